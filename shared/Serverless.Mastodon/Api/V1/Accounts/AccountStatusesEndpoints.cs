using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary>
/// <c>GET /api/v1/accounts/:id/statuses</c>: the account's own timeline (written by fan-out), with
/// <c>pinned</c>, <c>exclude_replies</c>, <c>exclude_reblogs</c>, <c>only_media</c> and <c>tagged</c>.
/// Public and unlisted statuses are shown to everyone, private ones to followers and the author,
/// direct ones to the author and the accounts they mention.
/// </summary>
public static class AccountStatusesEndpoints
{
    /// <summary>Entries read per page at most: filters and visibility drop some, so a page reads ahead.</summary>
    public const int MaxScan = 120;

    public static async Task Index(ApiRequest request)
    {
        var account = await request.Service<AccountService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        var viewer = request.Account;
        var followsAuthor = viewer is not null && viewer.Id != account.Id
            && await request.Service<FollowService>().IsFollowingAsync(viewer.Id, account.Id, request.Aborted);

        var excludeReplies = request.Params.GetBool("exclude_replies") == true;
        var excludeReblogs = request.Params.GetBool("exclude_reblogs") == true;
        var onlyMedia = request.Params.GetBool("only_media") == true;
        var tagged = request.Params.GetString("tagged")?.Trim().TrimStart('#').ToLowerInvariant() is { Length: > 0 } tag ? tag : null;
        var filtered = excludeReplies || excludeReblogs || onlyMedia || tagged is not null;

        bool Wanted(StatusRecord s) =>
            s.AccountId == account.Id
            && StatusVisibility.IsVisible(viewer?.Id, s, followsAuthor)
            && !(excludeReplies && s.InReplyToId is not null && s.InReplyToAccountId != account.Id)
            && !(excludeReblogs && s.ReblogOfId is not null)
            && !(onlyMedia && s.MediaIds.Count == 0)
            && !(tagged is not null && !s.Tags.Contains(tagged, StringComparer.Ordinal));

        var page = request.Page();
        if (request.Params.GetBool("pinned") == true)
        {
            await WritePinnedAsync(request, account, page, Wanted);
            return;
        }

        // min_id pages upwards from the cursor (oldest first); every page is shown newest first.
        var ascending = page.MinId is not null;
        var scan = filtered || viewer?.Id != account.Id ? Math.Min(page.Limit * 3, MaxScan) : page.Limit;
        var query = new DocumentQuery(TimelineKeys.Account(account.Id))
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = scan,
        };
        var entries = (await request.Service<IDocumentStore>().QueryAsync(Containers.Timelines, query, StoreJsonContext.Default.TimelineEntry, request.Aborted))
            .Items.Select(e => e.Value.StatusId).ToList();
        var views = await request.Service<TimelineService>().RenderAsync(entries, viewer, Wanted, Core.Safety.SafetyScope.Profile, request.Aborted);
        var shown = views.Take(page.Limit).ToList();

        // The page covers the entries up to the last one shown, or all that were read when the
        // page is not full, so that the next cursor skips what the filters dropped.
        var covered = shown.Count == page.Limit ? entries.Take(entries.IndexOf(shown[^1].Status.Id) + 1).ToList() : entries;
        if (covered.Count > 0)
        {
            request.LinkHeader(ascending ? covered[^1] : covered[0], ascending ? covered[0] : covered[^1]);
        }

        if (ascending)
        {
            shown.Reverse();
        }

        await WriteAsync(request, shown);
    }

    /// <summary>
    /// The account's pinned statuses from the interactions area's <c>pins:{accountId}</c> listing,
    /// most recently pinned first, paged through <c>Link</c> on the pins' own ids as Mastodon does.
    /// </summary>
    private static async Task WritePinnedAsync(ApiRequest request, AccountRecord account, PageRequest page, Func<StatusRecord, bool> wanted)
    {
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(InteractionListings.Pins(account.Id))
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var pins = (await request.Service<IDocumentStore>().QueryAsync(Containers.Interactions, query, StoreJsonContext.Default.InteractionListEntry, request.Aborted)).Items.ToList();
        if (ascending)
        {
            pins.Reverse();
        }

        if (pins.Count > 0)
        {
            request.LinkHeader(SnowflakeIds.Unpad(pins[0].Id), SnowflakeIds.Unpad(pins[^1].Id));
        }

        var views = await request.Service<TimelineService>().RenderAsync(pins.Select(p => p.Value.StatusId).ToList(), request.Account, wanted, Core.Safety.SafetyScope.Profile, request.Aborted);
        await WriteAsync(request, views);
    }

    private static async Task WriteAsync(ApiRequest request, IReadOnlyList<StatusView> views)
    {
        var renderer = await request.StatusRendererAsync(Core.Filters.FilterContexts.Account);
        await request.Statuses(views.Select(renderer.Render).ToList());
    }
}
