using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>
/// A local account's collections, as Mastodon serves them to other servers:
/// <list type="bullet">
/// <item><c>/users/:u/outbox</c>: <c>Create</c> and <c>Announce</c> activities of public and unlisted statuses (and followers-only ones for a signed follower), from the account's timeline.</item>
/// <item><c>/users/:u/followers</c> and <c>/following</c>: actor URIs; the size always, the items unless the account hides its collections.</item>
/// <item><c>/users/:u/collections/featured</c>: pinned statuses as objects; <c>/collections/tags</c>: featured hashtags.</item>
/// </list>
/// The collection itself gives <c>totalItems</c> and a <c>first</c> page (<c>?page=true</c>);
/// pages move with <c>max_id</c> (<c>next</c>, older) and <c>min_id</c> (<c>prev</c>, newer).
/// </summary>
/// <remarks>
/// With <c>AUTHORIZED_FETCH</c>, every collection needs a signed request (<see cref="SignedFetch"/>).
/// A signer the author blocks, or from a domain the author blocks, reads an empty outbox.
/// </remarks>
public static class CollectionsEndpoints
{
    /// <summary>Activities per outbox page (Mastodon: 20).</summary>
    public const int OutboxPageSize = 20;

    /// <summary>Timeline entries read for one outbox page at most: private and direct statuses are skipped, so a page reads ahead.</summary>
    public const int OutboxScan = 60;

    /// <summary>Actors per followers or following page.</summary>
    public const int FollowsPageSize = 40;

    public static async Task Outbox(ApiRequest request)
    {
        var account = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        var viewer = await SignedFetch.ViewerAsync(request, account);
        var id = request.Service<LocalUrls>().Outbox(account.Username);
        if (!NotesEndpoints.IsTrue(request.Params.GetString("page")))
        {
            var collection = Collections.Collection(id, account.StatusesCount, Collections.PageUrl(id));
            collection["last"] = Collections.PageUrl(id, minId: "0");
            await ActivityPubResponses.WriteAsync(request, collection);
            return;
        }

        var maxId = Cursor(request, "max_id");
        var minId = Cursor(request, "min_id");
        var ascending = minId is not null;
        var query = new DocumentQuery(TimelineKeys.Account(account.Id))
        {
            IdBefore = maxId is not null ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = minId is not null ? SnowflakeIds.Sortable(minId) : null,
            Descending = !ascending,
            Limit = OutboxScan,
        };
        // Someone the author blocks (or whose domain the author blocks) reads an empty outbox, as on Mastodon.
        List<string> entries = viewer.ShutOut ? [] : (await request.Service<IDocumentStore>().QueryAsync(Containers.Timelines, query, StoreJsonContext.Default.TimelineEntry, request.Aborted))
            .Items.Select(e => e.Value.StatusId).ToList();
        var statuses = (await request.Service<StatusService>().GetManyAsync(entries, request.Aborted)).ToDictionary(s => s.Id, StringComparer.Ordinal);

        // A signed follower also reads the followers-only posts, as Mastodon's outbox shows them.
        var followerSigner = viewer.Signer is { } signer && await request.Service<FollowService>().IsFollowingAsync(signer.Id, account.Id, request.Aborted);

        // Take the statuses the reader may see until the page is full; the page covers the entries
        // read up to there, so that the cursors skip what was left out and nothing is missed.
        var shown = new List<StatusRecord>();
        var covered = 0;
        foreach (var statusId in entries)
        {
            if (shown.Count == OutboxPageSize)
            {
                break;
            }

            covered++;
            if (statuses.TryGetValue(statusId, out var status) && status.AccountId == account.Id
                && (status.Visibility is Visibility.Public or Visibility.Unlisted || (followerSigner && status.Visibility == Visibility.Private)))
            {
                shown.Add(status);
            }
        }

        var span = entries.Take(covered).ToList();
        var moreOlder = ascending || covered < entries.Count || entries.Count == OutboxScan;
        if (ascending)
        {
            shown.Reverse();
            span.Reverse();
        }

        var activities = await request.Service<StatusObjects>().ActivitiesAsync(shown, request.Aborted);
        var page = Collections.Page(
            Collections.PageUrl(id, maxId, minId),
            id,
            [.. activities],
            next: span.Count > 0 && moreOlder ? Collections.PageUrl(id, maxId: span[^1]) : null,
            prev: span.Count > 0 ? Collections.PageUrl(id, minId: span[0]) : null);
        await ActivityPubResponses.WriteAsync(request, page, ActivityPubResponses.NoCache);
    }

    public static Task Followers(ApiRequest request) =>
        FollowsAsync(request, (urls, a) => urls.Followers(a.Username), a => a.FollowersCount, (follows, a, page, ct) => follows.FollowersAsync(a.Id, page, ct), edge => edge.AccountId);

    public static Task Following(ApiRequest request) =>
        FollowsAsync(request, (urls, a) => urls.Following(a.Username), a => a.FollowingCount, (follows, a, page, ct) => follows.FollowingAsync(a.Id, page, ct), edge => edge.TargetAccountId);

    /// <summary>The pinned statuses (public and unlisted), as objects, most recently pinned first.</summary>
    public static async Task Featured(ApiRequest request)
    {
        var account = await FindAccountAsync(request);
        var id = ActorDocument.FeaturedUri(request.Service<LocalUrls>(), account.Username);
        var pins = await request.Service<IDocumentStore>().QueryAsync(
            Containers.Interactions,
            new DocumentQuery(InteractionListings.Pins(account.Id)) { Limit = InteractionService.MaxPinned * 4 },
            StoreJsonContext.Default.InteractionListEntry,
            request.Aborted);
        var statuses = await request.Service<StatusService>().GetManyAsync(pins.Items.Select(p => p.Value.StatusId).ToList(), request.Aborted);
        var shown = statuses.Where(s => s.AccountId == account.Id && s.ReblogOfId is null && s.Visibility is Visibility.Public or Visibility.Unlisted).ToList();
        var notes = await request.Service<StatusObjects>().NotesAsync(shown, request.Aborted);
        await ActivityPubResponses.WriteAsync(request, Collections.Inline(id, [.. notes]));
    }

    /// <summary>Featured hashtags as <c>Hashtag</c> objects (an unordered collection, as Mastodon's).</summary>
    public static async Task FeaturedTags(ApiRequest request)
    {
        var account = await FindAccountAsync(request);
        var id = ActorDocument.FeaturedTagsUri(request.Service<LocalUrls>(), account.Username);
        var featured = await request.Service<Core.Tags.TagService>().FeaturedAsync(account.Id, request.Aborted);
        var items = new JsonArray(featured.Select(f => (JsonNode)new JsonObject
        {
            ["type"] = "Hashtag",
            ["href"] = $"{request.Instance.BaseUrl}/tags/{Uri.EscapeDataString(f.Name)}",
            ["name"] = "#" + f.Name,
        }).ToArray());
        await ActivityPubResponses.WriteAsync(request, Collections.Inline(id, items, ordered: false));
    }

    private static async Task FollowsAsync(
        ApiRequest request,
        Func<LocalUrls, AccountRecord, string> collectionUri,
        Func<AccountRecord, long> size,
        Func<FollowService, AccountRecord, PageRequest, CancellationToken, Task<IReadOnlyList<FollowRecord>>> read,
        Func<FollowRecord, string> actorOf)
    {
        var account = await FindAccountAsync(request);
        var id = collectionUri(request.Service<LocalUrls>(), account);
        var total = Math.Max(0, size(account));
        if (!NotesEndpoints.IsTrue(request.Params.GetString("page")))
        {
            // Accounts that hide their network still show its size, as Mastodon's do.
            await ActivityPubResponses.WriteAsync(request, Collections.Collection(id, total, account.HideCollections ? null : Collections.PageUrl(id)));
            return;
        }

        if (account.HideCollections)
        {
            throw new ApiException(StatusCodes.Status403Forbidden, "This action is not allowed");
        }

        var maxId = Cursor(request, "max_id");
        var minId = Cursor(request, "min_id");
        var edges = await read(request.Service<FollowService>(), account, new PageRequest(maxId, null, minId, FollowsPageSize), request.Aborted);
        var actors = (await request.Service<AccountService>().GetManyAsync(edges.Select(actorOf), request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var items = new JsonArray();
        foreach (var edge in edges)
        {
            if (actors.TryGetValue(actorOf(edge), out var actor))
            {
                items.Add(actor.Uri);
            }
        }

        string CursorOf(FollowRecord edge) => edge.Id ?? actorOf(edge);
        var next = edges.Count == FollowsPageSize || (minId is not null && edges.Count > 0) ? Collections.PageUrl(id, maxId: CursorOf(edges[^1])) : null;
        var prev = (maxId is not null || minId is not null) && edges.Count > 0 ? Collections.PageUrl(id, minId: CursorOf(edges[0])) : null;
        var page = Collections.Page(Collections.PageUrl(id, maxId, minId), id, items, next, prev, total);
        await ActivityPubResponses.WriteAsync(request, page, ActivityPubResponses.NoCache);
    }

    /// <summary>The account named by the route; under authorized fetch, only for a signed request (401 otherwise).</summary>
    private static async Task<AccountRecord> FindAccountAsync(ApiRequest request)
    {
        var account = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        await SignedFetch.AuthorizeAsync(request);
        return account;
    }

    /// <summary>A paging cursor: a status or follow id; anything else is ignored, as Mastodon ignores it.</summary>
    private static string? Cursor(ApiRequest request, string name) =>
        request.Params.GetString(name) is { Length: > 0 } value && SnowflakeIds.TryParse(value, out _) ? value : null;
}
