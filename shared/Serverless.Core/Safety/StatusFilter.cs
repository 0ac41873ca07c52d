using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Safety;

/// <summary>
/// What one viewer must not see: the accounts they block, those blocking them, those they mute
/// (and whether notifications too), and the domains they block, plus moderation state on the
/// accounts themselves (suspended everywhere, silenced in public feeds). Loaded once per request
/// by <see cref="StatusFilter.ForViewerAsync"/>; every check is then a set lookup.
/// </summary>
public sealed record ViewerSafety
{
    private static readonly IReadOnlySet<string> NoIds = new HashSet<string>(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, MuteRecord> NoMutes = new Dictionary<string, MuteRecord>(StringComparer.Ordinal);

    /// <summary>The anonymous viewer: only suspended accounts are hidden, and silenced ones from public feeds.</summary>
    public static ViewerSafety Anonymous { get; } = new();

    /// <summary>The viewer's account id; null when anonymous.</summary>
    public string? ViewerId { get; init; }

    /// <summary>Accounts the viewer blocks.</summary>
    public IReadOnlySet<string> Blocking { get; init; } = NoIds;

    /// <summary>Accounts that block the viewer.</summary>
    public IReadOnlySet<string> BlockedBy { get; init; } = NoIds;

    /// <summary>The viewer's active (not expired) mutes by muted account id.</summary>
    public IReadOnlyDictionary<string, MuteRecord> Muting { get; init; } = NoMutes;

    /// <summary>Domains the viewer blocks, lower case.</summary>
    public IReadOnlySet<string> DomainBlocks { get; init; } = NoIds;

    /// <summary>Silenced accounts the viewer follows (filled by <see cref="StatusFilter.WithFollowedSilencedAsync"/>).</summary>
    public IReadOnlySet<string> FollowedSilenced { get; init; } = NoIds;

    /// <summary>True when nothing but account moderation state can hide anything.</summary>
    public bool IsEmpty => Blocking.Count == 0 && BlockedBy.Count == 0 && Muting.Count == 0 && DomainBlocks.Count == 0;

    public bool IsBlocking(string accountId) => Blocking.Contains(accountId);

    public bool IsBlockedBy(string accountId) => BlockedBy.Contains(accountId);

    public bool IsMuting(string accountId) => Muting.ContainsKey(accountId);

    public bool IsDomainBlocked(string? domain) => domain is not null && DomainBlocks.Count > 0 && DomainBlocks.Contains(domain.ToLowerInvariant());

    /// <summary>Whether nothing by <paramref name="author"/> may reach the viewer: suspended, blocked either way, muted, or on a blocked domain. Never the viewer themself.</summary>
    public bool HidesAccount(AccountRecord author)
    {
        ArgumentNullException.ThrowIfNull(author);
        if (author.Id == ViewerId)
        {
            return false;
        }

        return author.SuspendedAt is not null
            || Blocking.Contains(author.Id)
            || BlockedBy.Contains(author.Id)
            || Muting.ContainsKey(author.Id)
            || IsDomainBlocked(author.Domain);
    }

    /// <summary>
    /// Whether a status must not reach the viewer: its author or the reblogged author is hidden,
    /// or it mentions an account the viewer blocks (as Mastodon's feed filter does).
    /// </summary>
    public bool HidesStatus(StatusRecord status, AccountRecord author, AccountRecord? rebloggedAuthor)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (HidesAccount(author) || (rebloggedAuthor is not null && HidesAccount(rebloggedAuthor)))
        {
            return true;
        }

        if (Blocking.Count > 0 && author.Id != ViewerId)
        {
            foreach (var mention in status.Mentions)
            {
                if (Blocking.Contains(mention.AccountId))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a notification caused by <paramref name="from"/> is dropped: suspended, blocked either way, muted with notifications, or on a blocked domain.</summary>
    public bool HidesNotificationFrom(AccountRecord from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Id == ViewerId)
        {
            return false;
        }

        return from.SuspendedAt is not null
            || Blocking.Contains(from.Id)
            || BlockedBy.Contains(from.Id)
            || (Muting.TryGetValue(from.Id, out var mute) && mute.HideNotifications)
            || IsDomainBlocked(from.Domain);
    }

    /// <summary>
    /// Whether a status must not be shown in <paramref name="scope"/>: feeds and threads apply
    /// <see cref="HidesStatus"/>; public and hashtag feeds also <see cref="InPublicFeed"/>; a profile hides
    /// its owner's statuses only when blocked either way (mutes and domain blocks don't empty a profile
    /// one opens), but reblogs of hidden accounts; a single status is hidden only when its author blocks the viewer.
    /// </summary>
    public bool Hides(StatusRecord status, AccountRecord author, AccountRecord? rebloggedAuthor, SafetyScope scope)
    {
        ArgumentNullException.ThrowIfNull(author);
        return scope switch
        {
            SafetyScope.None => false,
            SafetyScope.Status => BlocksViewer(author) || (rebloggedAuthor is not null && BlocksViewer(rebloggedAuthor)),
            SafetyScope.Profile => BlocksViewer(author) || (author.Id != ViewerId && Blocking.Contains(author.Id)) || (rebloggedAuthor is not null && HidesAccount(rebloggedAuthor)),
            SafetyScope.PublicFeed => HidesStatus(status, author, rebloggedAuthor) || !InPublicFeed(author) || (rebloggedAuthor is not null && !InPublicFeed(rebloggedAuthor)),
            _ => HidesStatus(status, author, rebloggedAuthor),
        };
    }

    private bool BlocksViewer(AccountRecord author) => author.Id != ViewerId && (author.SuspendedAt is not null || BlockedBy.Contains(author.Id));

    /// <summary>Whether <paramref name="author"/> may appear in public and hashtag timelines: silenced accounts only to themselves and their followers.</summary>
    public bool InPublicFeed(AccountRecord author)
    {
        ArgumentNullException.ThrowIfNull(author);
        return author.SilencedAt is null || author.Id == ViewerId || FollowedSilenced.Contains(author.Id);
    }
}

/// <summary>Where statuses are shown, which decides what <see cref="ViewerSafety.Hides"/> drops.</summary>
public enum SafetyScope
{
    /// <summary>Nothing is dropped (moderation views).</summary>
    None,

    /// <summary>One status asked for by id: hidden only when its author blocks the viewer (Mastodon answers 404) or is suspended.</summary>
    Status,

    /// <summary>An account's own statuses: hidden when blocked either way; reblogs of hidden accounts dropped.</summary>
    Profile,

    /// <summary>Home, list, thread, notifications, conversations, search, bookmarks and favourites: everything <see cref="ViewerSafety.HidesStatus"/> drops.</summary>
    Feed,

    /// <summary>Public and hashtag timelines: as <see cref="Feed"/>, and silenced accounts only for their followers.</summary>
    PublicFeed,
}

/// <summary>
/// Loads <see cref="ViewerSafety"/>: one first-page query per partition (<c>blocks:</c>,
/// <c>blocked-by:</c>, <c>mutes:</c>, <c>domain-blocks:</c> of the viewer, all in the
/// <c>follows</c> container), which the caching store serves from memory until one of them is
/// written. Mastodon's self-moderation sets are small; larger ones continue page by page.
/// </summary>
public sealed class StatusFilter(IDocumentStore store, TimeProvider time)
{
    /// <summary>Items per page when loading a set; one page covers nearly every account.</summary>
    public const int PageSize = 1000;

    /// <summary>The most pages read per set, bounding the cost of a pathological account.</summary>
    public const int MaxPages = 10;

    public async Task<ViewerSafety> ForViewerAsync(AccountRecord? viewer, CancellationToken cancellationToken)
    {
        if (viewer is null)
        {
            return ViewerSafety.Anonymous;
        }

        return await ForViewerIdAsync(viewer.Id, cancellationToken);
    }

    /// <summary>As <see cref="ForViewerAsync"/>, when only the id is at hand (queue handlers deciding on notifications).</summary>
    public async Task<ViewerSafety> ForViewerIdAsync(string viewerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewerId);
        var blocking = LoadAsync(BlockRecord.BlocksPartition(viewerId), StoreJsonContext.Default.BlockRecord, cancellationToken);
        var blockedBy = LoadAsync(BlockRecord.BlockedByPartition(viewerId), StoreJsonContext.Default.BlockRecord, cancellationToken);
        var mutes = LoadAsync(MuteRecord.Partition(viewerId), StoreJsonContext.Default.MuteRecord, cancellationToken);
        var domains = LoadAsync(UserDomainBlockRecord.Partition(viewerId), StoreJsonContext.Default.UserDomainBlockRecord, cancellationToken);

        var blockingDocs = await blocking;
        var blockedByDocs = await blockedBy;
        var muteDocs = await mutes;
        var domainDocs = await domains;
        if (blockingDocs.Count == 0 && blockedByDocs.Count == 0 && muteDocs.Count == 0 && domainDocs.Count == 0)
        {
            // The common case on the hot path: nothing to allocate.
            return new ViewerSafety { ViewerId = viewerId };
        }

        var now = time.GetUtcNow();
        var muting = new Dictionary<string, MuteRecord>(StringComparer.Ordinal);
        foreach (var mute in muteDocs)
        {
            if (mute.Value.IsActive(now))
            {
                muting[mute.Id] = mute.Value;
            }
            else
            {
                // Expired: ignored now, and removed so that later loads don't see it (a lost race only repeats the delete).
                try
                {
                    await store.DeleteAsync(Containers.Follows, mute.PartitionKey, mute.Id, mute.ETag, cancellationToken);
                }
                catch (DocumentPreconditionFailedException)
                {
                    // Muted again meanwhile: the new mute stays.
                }
            }
        }

        return new ViewerSafety
        {
            ViewerId = viewerId,
            Blocking = Ids(blockingDocs),
            BlockedBy = Ids(blockedByDocs),
            Muting = muting,
            DomainBlocks = domainDocs.Select(d => d.Id).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Adds which of the given silenced accounts the viewer follows (one batch of point reads, and
    /// none at all when no account is silenced), so that <see cref="ViewerSafety.InPublicFeed"/> lets them through.
    /// </summary>
    public async Task<ViewerSafety> WithFollowedSilencedAsync(ViewerSafety safety, IEnumerable<AccountRecord> authors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(safety);
        ArgumentNullException.ThrowIfNull(authors);
        if (safety.ViewerId is not { } viewerId)
        {
            return safety;
        }

        var keys = authors.Where(a => a.SilencedAt is not null && a.Id != viewerId).Select(a => a.Id).Distinct(StringComparer.Ordinal)
            .Select(id => new DocumentKey(FollowRecord.FollowingPartition(viewerId), id)).ToList();
        if (keys.Count == 0)
        {
            return safety;
        }

        var edges = await store.ReadManyAsync(Containers.Follows, keys, StoreJsonContext.Default.FollowRecord, cancellationToken);
        var followed = new HashSet<string>(safety.FollowedSilenced, StringComparer.Ordinal);
        followed.UnionWith(edges.Select(e => e.Value.TargetAccountId));
        return safety with { FollowedSilenced = followed };
    }

    private static HashSet<string> Ids(IReadOnlyList<StoredDocument<BlockRecord>> docs) => docs.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    private async Task<IReadOnlyList<StoredDocument<T>>> LoadAsync<T>(string partition, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        // The first page has no continuation and no filters, so the caching store can answer it from memory.
        var page = await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = PageSize }, type, cancellationToken);
        if (page.Continuation is null)
        {
            return page.Items;
        }

        var all = new List<StoredDocument<T>>(page.Items);
        for (var i = 1; i < MaxPages && page.Continuation is not null; i++)
        {
            page = await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = PageSize, Continuation = page.Continuation }, type, cancellationToken);
            all.AddRange(page.Items);
        }

        return all;
    }
}

/// <summary>Checks of one status for endpoints that show a single status outside <see cref="Timelines.TimelineService"/>.</summary>
public static class StatusFilterExtensions
{
    /// <summary>Whether <paramref name="status"/> must not be shown to <paramref name="viewer"/> on its own (<see cref="SafetyScope.Status"/>): its author blocks the viewer or is suspended.</summary>
    public static async Task<bool> HiddenFromAsync(StatusFilter filter, AccountService accounts, StatusRecord status, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(status);
        var author = await accounts.GetAsync(status.AccountId, cancellationToken);
        if (author is null)
        {
            return false;
        }

        var safety = await filter.ForViewerAsync(viewer, cancellationToken);
        return safety.Hides(status, author, null, SafetyScope.Status);
    }
}
