using System.Net;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>
/// <c>GET /users/:username</c>: the actor for ActivityPub clients, and the profile page for
/// browsers (content negotiation on <c>Accept</c>, as Mastodon does). <c>GET /@:username</c> is the
/// profile page itself.
/// </summary>
public static class ActorsEndpoints
{
    /// <summary>The fields Mastodon's secure mode serves to unsigned fetches of an actor.</summary>
    private static readonly string[] MinimalFields = ["@context", "id", "type", "preferredUsername", "inbox", "publicKey", "endpoints"];

    public static async Task Show(ApiRequest request)
    {
        var account = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        if (ActivityPubResponses.WantsActivityJson(request))
        {
            var actor = ActorDocument.Build(account, request.Service<LocalUrls>());
            if (request.Instance.AuthorizedFetch && await SignedFetch.SignerAsync(request) is null)
            {
                // Secure mode serves unsigned fetches what federation needs to verify and deliver, as Mastodon does.
                actor = Minimal(actor);
            }

            await ActivityPubResponses.WriteAsync(request, actor);
            return;
        }

        request.Http.Response.Headers.Vary = "Accept";
        await WriteProfilePageAsync(request, account);
    }

    private static System.Text.Json.Nodes.JsonObject Minimal(System.Text.Json.Nodes.JsonObject actor)
    {
        foreach (var name in actor.Select(p => p.Key).Where(k => !MinimalFields.Contains(k, StringComparer.Ordinal)).ToList())
        {
            actor.Remove(name);
        }

        return actor;
    }

    public static async Task Profile(ApiRequest request)
    {
        var account = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        if (ActivityPubResponses.WantsActivityJson(request))
        {
            ActivityPubResponses.Redirect(request, account.Uri);
            return;
        }

        await WriteProfilePageAsync(request, account);
    }

    /// <summary>A minimal server-rendered profile page; the full HTML pages come with the client API work.</summary>
    private static Task WriteProfilePageAsync(ApiRequest request, AccountRecord account)
    {
        var name = WebUtility.HtmlEncode(string.IsNullOrEmpty(account.DisplayName) ? account.Username : account.DisplayName);
        var handle = WebUtility.HtmlEncode($"@{account.Username}@{request.Instance.LocalDomain}");
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{name} ({handle})</title>
            <link rel="alternate" type="application/activity+json" href="{WebUtility.HtmlEncode(account.Uri)}">
            </head><body><main><h1>{name}</h1><p>{handle}</p><div class="note">{account.Note}</div>
            <p>{account.StatusesCount} posts · {account.FollowingCount} following · {account.FollowersCount} followers</p></main></body></html>
            """;
        return request.Raw(html, "text/html; charset=utf-8");
    }
}
