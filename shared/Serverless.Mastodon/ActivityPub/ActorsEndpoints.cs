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

        await Pages.ProfilePage.WriteAsync(request, account);
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

        await Pages.ProfilePage.WriteAsync(request, account);
    }
}
