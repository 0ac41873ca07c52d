using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>
/// A local status at its ActivityPub id, as Mastodon's statuses and replies controllers serve it:
/// <list type="bullet">
/// <item><c>GET /users/:u/statuses/:id</c>: the <c>Note</c> (or <c>Question</c>) for ActivityPub, a page otherwise; a reblog redirects to what it reblogs.</item>
/// <item><c>GET /users/:u/statuses/:id/activity</c>: its <c>Create</c> (<c>Announce</c> for a reblog).</item>
/// <item><c>GET /users/:u/statuses/:id/replies</c>: the paged replies collection.</item>
/// <item><c>GET /users/:u/statuses/:id/likes</c> and <c>/shares</c>: their counts.</item>
/// <item><c>GET /@:u/:id</c>: the status page; asked for as ActivityPub, a redirect to the id.</item>
/// </list>
/// A deleted status answers 410 with its <c>Tombstone</c>.
/// </summary>
public static class NotesEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var wantsJson = ActivityPubResponses.WantsActivityJson(request);
        var (account, status) = await FindAsync(request, activityPub: wantsJson);
        if (status.DeletedAt is not null)
        {
            await WriteGoneAsync(request, status, wantsJson);
            return;
        }

        if (status.ReblogOfId is { } originalId)
        {
            var original = await request.Service<StatusService>().GetAsync(originalId, request.Aborted) ?? throw ApiException.NotFound();
            ActivityPubResponses.Redirect(request, wantsJson ? original.Uri : original.Url);
            return;
        }

        if (wantsJson)
        {
            var note = await request.Service<StatusObjects>().NoteAsync(status, request.Aborted);
            await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(note));
            return;
        }

        await Pages.StatusPage.WriteAsync(request, account, status);
    }

    public static async Task Activity(ApiRequest request)
    {
        var (_, status) = await FindAsync(request, activityPub: true);
        if (status.DeletedAt is not null)
        {
            await WriteGoneAsync(request, status, wantsJson: true);
            return;
        }

        var objects = request.Service<StatusObjects>();
        var activity = status.ReblogOfId is null
            ? await objects.CreateAsync(status, request.Aborted)
            : await objects.AnnounceAsync(status, request.Aborted);
        await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(activity));
    }

    /// <summary>
    /// The replies collection: without <c>page</c>, a <c>Collection</c> whose <c>first</c> page is
    /// inline; with it, one <c>CollectionPage</c> (<c>min_id</c>, <c>only_other_accounts</c>).
    /// </summary>
    public static async Task Replies(ApiRequest request)
    {
        var (account, status) = await FindLiveAsync(request);
        var minId = request.Params.GetString("min_id") is { Length: > 0 } min ? min : null;
        var onlyOthers = IsTrue(request.Params.GetString("only_other_accounts"));
        var objects = request.Service<StatusObjects>();
        var page = await objects.RepliesPageAsync(status, account, minId, onlyOthers, request.Aborted);
        if (IsTrue(request.Params.GetString("page")))
        {
            await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(page), ActivityPubResponses.NoCache);
            return;
        }

        var collection = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = StatusObjects.RepliesUri(status),
            ["type"] = "Collection",
            ["first"] = page,
        };
        await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(collection), ActivityPubResponses.NoCache);
    }

    public static Task Likes(ApiRequest request) => CountAsync(request, "/likes", s => s.FavouritesCount);

    public static Task Shares(ApiRequest request) => CountAsync(request, "/shares", s => s.ReblogsCount);

    /// <summary><c>GET /@:u/:id</c>: ActivityPub clients are sent to the status's id; browsers get the page.</summary>
    public static async Task Page(ApiRequest request)
    {
        var (account, status) = await FindAsync(request, activityPub: false);
        if (ActivityPubResponses.WantsActivityJson(request))
        {
            ActivityPubResponses.Redirect(request, status.Uri);
            return;
        }

        if (status.DeletedAt is not null)
        {
            await WriteGoneAsync(request, status, wantsJson: false);
            return;
        }

        if (status.ReblogOfId is { } originalId)
        {
            var original = await request.Service<StatusService>().GetAsync(originalId, request.Aborted) ?? throw ApiException.NotFound();
            ActivityPubResponses.Redirect(request, original.Url);
            return;
        }

        await Pages.StatusPage.WriteAsync(request, account, status);
    }

    private static async Task CountAsync(ApiRequest request, string suffix, Func<StatusRecord, long> count)
    {
        var (_, status) = await FindLiveAsync(request);
        var collection = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = status.Uri + suffix,
            ["type"] = "Collection",
            ["totalItems"] = count(status),
        };
        await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(collection));
    }

    /// <summary>
    /// The status named by the route, if the named local account wrote it and it may be served:
    /// public and unlisted ones to anyone (deleted ones too, as tombstones); for ActivityPub
    /// (<paramref name="activityPub"/>), private ones to a signer who follows the author or is
    /// mentioned, direct ones to a mentioned signer, and nothing to a signer the author blocks or
    /// whose domain the author blocks. Under authorized fetch, ActivityPub requests must be signed
    /// (401); pages for browsers are not.
    /// </summary>
    private static async Task<(AccountRecord Account, StatusRecord Status)> FindAsync(ApiRequest request, bool activityPub)
    {
        var account = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        var id = request.Route("id");
        if (!SnowflakeIds.TryParse(id, out _))
        {
            throw ApiException.NotFound();
        }

        var doc = await request.Service<IDocumentStore>().ReadAsync(Containers.Statuses, id, id, StoreJsonContext.Default.StatusRecord, request.Aborted);
        if (doc?.Value is not { } status || status.AccountId != account.Id || !status.Local)
        {
            throw ApiException.NotFound();
        }

        AccountRecord? signer = null;
        if (activityPub)
        {
            // Someone the author blocks, or from a domain the author blocks, gets nothing, as on Mastodon.
            var viewer = await SignedFetch.ViewerAsync(request, account);
            signer = viewer.ShutOut ? throw ApiException.NotFound() : viewer.Signer;
        }

        if (status.Visibility is not (Visibility.Public or Visibility.Unlisted))
        {
            // Not found for anyone it is not addressed to, as on Mastodon (which never says it exists).
            if (signer is null || !await request.Service<StatusVisibility>().CanSeeAsync(signer, status, request.Aborted))
            {
                throw ApiException.NotFound();
            }
        }

        return (account, status);
    }

    /// <summary>As <see cref="FindAsync"/>, but a deleted status or a reblog has no collections: 404.</summary>
    private static async Task<(AccountRecord Account, StatusRecord Status)> FindLiveAsync(ApiRequest request)
    {
        var (account, status) = await FindAsync(request, activityPub: true);
        return status.DeletedAt is null && status.ReblogOfId is null ? (account, status) : throw ApiException.NotFound();
    }

    private static async Task WriteGoneAsync(ApiRequest request, StatusRecord status, bool wantsJson)
    {
        if (wantsJson)
        {
            var tombstone = request.Service<StatusObjects>().Tombstone(status);
            await ActivityPubResponses.WriteAsync(request, JsonLd.WithContext(tombstone), ActivityPubResponses.NoCache, StatusCodes.Status410Gone);
            return;
        }

        request.Http.Response.Headers.Vary = "Accept";
        await request.Raw(
            """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Deleted</title></head><body><main><p>This post has been deleted.</p></main></body></html>""",
            "text/html; charset=utf-8",
            StatusCodes.Status410Gone);
    }

    internal static bool IsTrue(string? value) =>
        value is { Length: > 0 } && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) && value != "0";
}
