using Serverless.Core.Accounts;
using Serverless.Core.Interactions;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Timelines;

/// <summary>A page request in Mastodon's terms: <c>max_id</c>, <c>since_id</c>, <c>min_id</c>, <c>limit</c>.</summary>
public sealed record PageRequest(string? MaxId, string? SinceId, string? MinId, int Limit);

/// <summary>
/// A status ready to render: the status, its author, the reblogged status (as a view of its own),
/// its media and poll, and what the viewer did to it (null for anonymous viewers).
/// </summary>
public sealed record StatusView(StatusRecord Status, AccountRecord Account, StatusView? Reblog)
{
    public IReadOnlyList<MediaAttachmentRecord> Media { get; init; } = [];

    public PollRecord? Poll { get; init; }

    public ViewerState? Viewer { get; init; }
}

/// <summary>
/// Reads materialised timelines: one ordered single-partition range read of entries, then one
/// batch point read of the statuses and one of their authors.
/// </summary>
public sealed class TimelineService(IDocumentStore store, StatusService statuses, AccountService accounts, Safety.StatusFilter? safetyFilter = null)
{
    public async Task<IReadOnlyList<StatusView>> ReadAsync(string timelineKey, PageRequest page, AccountRecord? viewer, Func<StatusRecord, bool> visible, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(visible);

        // min_id pages upwards from the cursor (oldest first), then shows newest first like every page.
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(timelineKey)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var entries = await store.QueryAsync(Containers.Timelines, query, StoreJsonContext.Default.TimelineEntry, cancellationToken);
        var ids = entries.Items.Select(e => e.Value.StatusId).ToList();
        var views = await RenderAsync(ids, viewer, visible, ScopeOf(timelineKey), cancellationToken);
        return ascending ? views.Reverse().ToList() : views;
    }

    /// <summary>
    /// Reads several timelines as one (hashtag <c>any[]</c>): one range read per timeline, merged
    /// by id, then filtered. Filtering after the read can leave a page short; the cursor still
    /// moves on, as Mastodon's does for filtered pages.
    /// </summary>
    public async Task<IReadOnlyList<StatusView>> ReadMergedAsync(IReadOnlyList<string> timelineKeys, PageRequest page, AccountRecord? viewer, Func<StatusRecord, bool> visible, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timelineKeys);
        ArgumentNullException.ThrowIfNull(page);
        if (timelineKeys.Count == 1)
        {
            return await ReadAsync(timelineKeys[0], page, viewer, visible, cancellationToken);
        }

        var ascending = page.MinId is not null;
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in timelineKeys)
        {
            var query = new DocumentQuery(key)
            {
                IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
                IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
                Descending = !ascending,
                Limit = page.Limit,
            };
            var entries = await store.QueryAsync(Containers.Timelines, query, StoreJsonContext.Default.TimelineEntry, cancellationToken);
            ids.UnionWith(entries.Items.Select(e => e.Id));
        }

        var chosen = (ascending ? ids.Take(page.Limit).Reverse() : ids.Reverse().Take(page.Limit)).Select(SnowflakeIds.Unpad).ToList();
        return await RenderAsync(chosen, viewer, visible, ScopeOf(timelineKeys[0]), cancellationToken);
    }

    /// <summary>Public and hashtag timelines hide silenced accounts too; an account's own timeline is a profile.</summary>
    private static Safety.SafetyScope ScopeOf(string timelineKey) =>
        timelineKey is TimelineKeys.Public or TimelineKeys.Local or TimelineKeys.Remote || timelineKey.StartsWith("tag", StringComparison.Ordinal)
            ? Safety.SafetyScope.PublicFeed
            : timelineKey.StartsWith("account:", StringComparison.Ordinal) ? Safety.SafetyScope.Profile : Safety.SafetyScope.Feed;

    /// <summary>
    /// Loads statuses (and what they reblog) with their authors, media, polls and the viewer's
    /// interactions, keeping the order given. Each kind of thing is one batch read.
    /// </summary>
    /// <remarks>What the viewer must not see is dropped as in a feed (<see cref="Safety.SafetyScope.Feed"/>): blocks, mutes, domain blocks, suspended authors.</remarks>
    public Task<IReadOnlyList<StatusView>> RenderAsync(IReadOnlyList<string> statusIds, AccountRecord? viewer, Func<StatusRecord, bool> visible, CancellationToken cancellationToken) =>
        RenderAsync(statusIds, viewer, visible, Safety.SafetyScope.Feed, cancellationToken);

    /// <summary>
    /// As <see cref="RenderAsync(IReadOnlyList{string}, AccountRecord?, Func{StatusRecord, bool}, CancellationToken)"/>, dropping what
    /// the viewer must not see in <paramref name="scope"/> once the authors are loaded (the viewer's safety sets are loaded once per call).
    /// </summary>
    public async Task<IReadOnlyList<StatusView>> RenderAsync(IReadOnlyList<string> statusIds, AccountRecord? viewer, Func<StatusRecord, bool> visible, Safety.SafetyScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visible);
        var found = (await statuses.GetManyAsync(statusIds, cancellationToken)).Where(visible).ToList();
        var reblogIds = found.Where(s => s.ReblogOfId is not null).Select(s => s.ReblogOfId!).Distinct(StringComparer.Ordinal).ToList();
        var reblogs = (await statuses.GetManyAsync(reblogIds, cancellationToken)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var all = found.Concat(reblogs.Values).ToList();
        var authors = (await accounts.GetManyAsync(all.Select(s => s.AccountId), cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var safety = await SafetyOfAsync(viewer, scope, authors.Values, cancellationToken);
        if (safety is not null)
        {
            found = found.Where(s => !Hidden(safety, s, authors, reblogs, scope)).ToList();
        }

        var media = await ReadManyAsync(Containers.Media, all.SelectMany(s => s.MediaIds), StoreJsonContext.Default.MediaAttachmentRecord, m => m.Id, cancellationToken);
        var polls = await ReadManyAsync(Containers.Polls, all.Where(s => s.PollId is not null).Select(s => s.PollId!), StoreJsonContext.Default.PollRecord, p => p.Id, cancellationToken);
        var interactions = viewer is null ? null : await ReadInteractionsAsync(viewer.Id, all, cancellationToken);

        StatusView View(StatusRecord status, AccountRecord author, StatusView? reblog) => new(status, author, reblog)
        {
            Media = MediaOf(status, media),
            Poll = status.PollId is { } pollId && polls.TryGetValue(pollId, out var poll) ? poll : null,
            Viewer = interactions?.StateOf(status),
        };

        var views = new List<StatusView>(found.Count);
        foreach (var status in found)
        {
            if (!authors.TryGetValue(status.AccountId, out var author))
            {
                continue;
            }

            StatusView? reblog = null;
            if (status.ReblogOfId is not null)
            {
                if (!reblogs.TryGetValue(status.ReblogOfId, out var original) || !authors.TryGetValue(original.AccountId, out var originalAuthor))
                {
                    continue;
                }

                reblog = View(original, originalAuthor, null);
            }

            views.Add(View(status, author, reblog));
        }

        return views;
    }

    /// <summary>The status's media in its order, skipping any not found; most statuses have none, and share one empty list.</summary>
    private static IReadOnlyList<MediaAttachmentRecord> MediaOf(StatusRecord status, Dictionary<string, MediaAttachmentRecord> media)
    {
        if (status.MediaIds.Count == 0)
        {
            return Array.Empty<MediaAttachmentRecord>();
        }

        var list = new List<MediaAttachmentRecord>(status.MediaIds.Count);
        foreach (var id in status.MediaIds)
        {
            if (media.TryGetValue(id, out var attachment))
            {
                list.Add(attachment);
            }
        }

        return list;
    }

    private async Task<Safety.ViewerSafety?> SafetyOfAsync(AccountRecord? viewer, Safety.SafetyScope scope, IEnumerable<AccountRecord> authors, CancellationToken cancellationToken)
    {
        if (safetyFilter is null || scope == Safety.SafetyScope.None)
        {
            return null;
        }

        var safety = await safetyFilter.ForViewerAsync(viewer, cancellationToken);
        return scope == Safety.SafetyScope.PublicFeed ? await safetyFilter.WithFollowedSilencedAsync(safety, authors, cancellationToken) : safety;
    }

    private static bool Hidden(Safety.ViewerSafety safety, StatusRecord status, Dictionary<string, AccountRecord> authors, Dictionary<string, StatusRecord> reblogs, Safety.SafetyScope scope)
    {
        if (!authors.TryGetValue(status.AccountId, out var author))
        {
            return false;
        }

        AccountRecord? rebloggedAuthor = null;
        if (status.ReblogOfId is not null && reblogs.TryGetValue(status.ReblogOfId, out var original))
        {
            authors.TryGetValue(original.AccountId, out rebloggedAuthor);
            if (rebloggedAuthor is not null && scope != Safety.SafetyScope.Status && safety.HidesStatus(original, rebloggedAuthor, null))
            {
                // A reblog of a status that mentions someone the viewer blocks goes too.
                return true;
            }
        }

        return safety.Hides(status, author, rebloggedAuthor, scope);
    }

    private async Task<Dictionary<string, T>> ReadManyAsync<T>(string container, IEnumerable<string> ids, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, string> key, CancellationToken cancellationToken)
    {
        var keys = ids.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, T>(StringComparer.Ordinal);
        }

        var docs = await store.ReadManyAsync(container, keys, type, cancellationToken);
        return docs.ToDictionary(d => key(d.Value), d => d.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The viewer's interactions with <paramref name="shown"/>: one batch point read of every
    /// (kind, target) they could have, each key once (a status shown and reblogged, replies in one
    /// muted conversation). Most shown statuses have none, so the keys are built once and looked up
    /// by kind and target afterwards, not rebuilt per status.
    /// </summary>
    private async Task<ViewerInteractions> ReadInteractionsAsync(string viewerId, List<StatusRecord> shown, CancellationToken cancellationToken)
    {
        var keys = new List<DocumentKey>(shown.Count * 4);
        var seen = new HashSet<string>(shown.Count * 4, StringComparer.Ordinal);
        foreach (var status in shown)
        {
            var ids = InteractionIds.GetValue(status, static s => new InteractionIdsOf(s));
            Add(ids.Favourite);
            Add(ids.Reblog);
            Add(ids.Bookmark);
            if (status.AccountId == viewerId)
            {
                Add(ids.Pin);
            }

            if (ids.Mute is not null)
            {
                Add(ids.Mute);
            }

            if (ids.Vote is not null)
            {
                Add(ids.Vote);
            }
        }

        void Add(string id)
        {
            if (seen.Add(id))
            {
                keys.Add(new DocumentKey(viewerId, id));
            }
        }

        if (keys.Count == 0)
        {
            return ViewerInteractions.None;
        }

        var docs = await store.ReadManyAsync(Containers.Interactions, keys, StoreJsonContext.Default.InteractionRecord, cancellationToken);
        return ViewerInteractions.Of(docs);
    }

    /// <summary>
    /// The interaction document ids a status can have, made once per record instance: the read
    /// cache hands out the same instances page after page, and building these strings for every
    /// status of every page was most of what a page allocated.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StatusRecord, InteractionIdsOf> InteractionIds = new();

    private sealed class InteractionIdsOf(StatusRecord status)
    {
        public string Favourite { get; } = InteractionKeys.Of(InteractionKeys.Favourite, status.Id);

        public string Reblog { get; } = InteractionKeys.Of(InteractionKeys.Reblog, status.Id);

        public string Bookmark { get; } = InteractionKeys.Of(InteractionKeys.Bookmark, status.Id);

        public string Pin { get; } = InteractionKeys.Of(InteractionKeys.Pin, status.Id);

        public string? Mute { get; } = status.ConversationId is { } conversation ? InteractionKeys.Of(InteractionKeys.Mute, conversation) : null;

        public string? Vote { get; } = status.PollId is { } poll ? InteractionKeys.Of(InteractionKeys.Vote, poll) : null;
    }

    /// <summary>What the viewer did, by kind and target; empty for most pages.</summary>
    private sealed class ViewerInteractions
    {
        public static readonly ViewerInteractions None = new(new Dictionary<(string, string), InteractionRecord>());

        /// <summary>The state of a status nobody shown touched: shared, since it is immutable.</summary>
        private static readonly ViewerState Untouched = new(false, false, false, false, false, null);

        private readonly Dictionary<(string Kind, string Target), InteractionRecord> _found;

        private ViewerInteractions(Dictionary<(string Kind, string Target), InteractionRecord> found) => _found = found;

        public static ViewerInteractions Of(IReadOnlyList<StoredDocument<InteractionRecord>> docs)
        {
            if (docs.Count == 0)
            {
                return None;
            }

            var found = new Dictionary<(string, string), InteractionRecord>(docs.Count);
            foreach (var doc in docs)
            {
                var separator = doc.Id.IndexOf(':', StringComparison.Ordinal);
                if (separator > 0)
                {
                    found[(doc.Id[..separator], doc.Id[(separator + 1)..])] = doc.Value;
                }
            }

            return new ViewerInteractions(found);
        }

        public ViewerState StateOf(StatusRecord status)
        {
            if (_found.Count == 0)
            {
                return Untouched;
            }

            return new ViewerState(
                _found.ContainsKey((InteractionKeys.Favourite, status.Id)),
                _found.ContainsKey((InteractionKeys.Reblog, status.Id)),
                _found.ContainsKey((InteractionKeys.Bookmark, status.Id)),
                _found.ContainsKey((InteractionKeys.Pin, status.Id)),
                status.ConversationId is not null && _found.ContainsKey((InteractionKeys.Mute, status.ConversationId)),
                status.PollId is not null && _found.TryGetValue((InteractionKeys.Vote, status.PollId), out var vote) ? vote.Choices : null);
        }
    }
}
