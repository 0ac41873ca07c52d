using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Follows;

/// <summary>
/// The social graph: follows, follow requests (for locked accounts), their options and counters,
/// the notifications they raise, and the home-timeline merge and unmerge a follow implies. Every
/// copy of an edge (see <see cref="FollowRecord"/>) is written here, gated by creating the
/// point-readable copy first so that two racing follows count once.
/// </summary>
public sealed partial class FollowService(
    IDocumentStore store,
    AccountService accounts,
    NotificationService notifications,
    SnowflakeIds ids,
    TimeProvider time,
    Federation.IFederationOutbox outbox,
    ILogger<FollowService> logger)
{
    /// <summary>Recent statuses of a newly followed account copied into the follower's home timeline.</summary>
    public const int BackfillSize = 40;

    /// <summary>The most home entries an unfollow removes.</summary>
    public const int UnmergeLimit = 400;

    /// <summary>The most edges one familiar-followers lookup scans per account.</summary>
    public const int FamiliarScanLimit = 500;

    /// <summary>The options of <c>POST /api/v1/accounts/:id/follow</c>; null leaves an existing follow's option as it is.</summary>
    public sealed record FollowOptions(bool? Reblogs = null, bool? Notify = null, IReadOnlyList<string>? Languages = null);

    /// <summary>One account's relationship to another, from the viewer's side.</summary>
    public sealed record RelationshipState(string AccountId, FollowRecord? Following, FollowRecord? FollowedBy, FollowRecord? Requested, FollowRecord? RequestedBy, string? Note);

    /// <summary>
    /// Follows a local account, or asks to when it is locked. Following again changes the
    /// options of the follow (or of the pending request). Throws <see cref="RecordNotFoundException"/>
    /// for unknown accounts and oneself, as Mastodon does.
    /// </summary>
    public async Task FollowAsync(AccountRecord follower, string targetId, FollowOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(options);
        if (targetId == follower.Id)
        {
            throw new RecordNotFoundException();
        }

        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        if (await FollowForbiddenAsync(follower, target, cancellationToken))
        {
            // Mastodon's NotPermittedError: blocked either way, or the target's domain is blocked by the follower.
            throw new ForbiddenException("This action is not allowed");
        }

        if (await ReadAsync(FollowRecord.FollowingPartition(follower.Id), target.Id, cancellationToken) is { } existing)
        {
            await ChangeOptionsAsync(existing, options, request: false, cancellationToken);
            return;
        }

        if (await ReadAsync(FollowRecord.RequestedPartition(follower.Id), target.Id, cancellationToken) is { } pending)
        {
            await ChangeOptionsAsync(pending, options, request: true, cancellationToken);
            return;
        }

        var edge = new FollowRecord
        {
            Id = ids.NextString(),
            AccountId = follower.Id,
            TargetAccountId = target.Id,
            CreatedAt = time.GetUtcNow(),
            ShowReblogs = options.Reblogs ?? true,
            Notify = options.Notify ?? false,
            Languages = NormalizeLanguages(options.Languages),
        };

        if (!target.IsLocal)
        {
            await RequestRemoteFollowAsync(follower, target, edge, cancellationToken);
            return;
        }

        try
        {
            if (target.Locked)
            {
                await CreateRequestAsync(edge, cancellationToken);
                await NotifyAsync(edge, FollowRecord.RequestedPartition(follower.Id), NotificationTypes.FollowRequest, cancellationToken);
                return;
            }

            await CreateFollowAsync(edge, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            // A concurrent follow won the race: this one only changes options, as a repeat would.
            await FollowAsync(follower, targetId, options, cancellationToken);
            return;
        }

        await NotifyAsync(edge, FollowRecord.FollowingPartition(follower.Id), NotificationTypes.Follow, cancellationToken);
        await MergeIntoHomeAsync(edge, cancellationToken);
    }

    /// <summary>Whether a block either way, or the follower's block of the target's domain (or the target's of the follower's), forbids the follow: point reads.</summary>
    private async Task<bool> FollowForbiddenAsync(AccountRecord follower, AccountRecord target, CancellationToken cancellationToken)
    {
        var keys = new List<DocumentKey>
        {
            new(BlockRecord.BlocksPartition(target.Id), follower.Id),
            new(BlockRecord.BlocksPartition(follower.Id), target.Id),
        };
        var blocks = await store.ReadManyAsync(Containers.Follows, keys, StoreJsonContext.Default.BlockRecord, cancellationToken);
        if (blocks.Count > 0)
        {
            return true;
        }

        var domainKeys = new List<DocumentKey>();
        if (target.Domain is { } targetDomain)
        {
            domainKeys.Add(new(Safety.UserDomainBlockRecord.Partition(follower.Id), targetDomain.ToLowerInvariant()));
        }

        if (follower.Domain is { } followerDomain)
        {
            domainKeys.Add(new(Safety.UserDomainBlockRecord.Partition(target.Id), followerDomain.ToLowerInvariant()));
        }

        return domainKeys.Count > 0 && (await store.ReadManyAsync(Containers.Follows, domainKeys, StoreJsonContext.Default.UserDomainBlockRecord, cancellationToken)).Count > 0;
    }

    /// <summary>Stops following, or withdraws a pending request. Unknown accounts are a <see cref="RecordNotFoundException"/>.</summary>
    public Task UnfollowAsync(AccountRecord follower, string targetId, CancellationToken cancellationToken) =>
        UnfollowAsync(follower, targetId, federate: true, cancellationToken);

    /// <summary>
    /// Removes the edge and any pending request. <paramref name="federate"/> sends the <c>Undo Follow</c> a local
    /// follower of a remote account owes its server; it is false when the remote side ended the follow itself.
    /// </summary>
    private async Task UnfollowAsync(AccountRecord follower, string targetId, bool federate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        FollowRecord? undone = null;

        if (await ReadAsync(FollowRecord.FollowingPartition(follower.Id), target.Id, cancellationToken) is { } edge
            && await store.DeleteAsync(Containers.Follows, edge.PartitionKey, edge.Id, ifMatch: null, cancellationToken))
        {
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowersPartition(target.Id), FollowRecord.ListId(edge.Value), ifMatch: null, cancellationToken);
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowingListPartition(follower.Id), FollowRecord.ListId(edge.Value), ifMatch: null, cancellationToken);
            await AddCountersAsync(follower.Id, target.Id, -1, cancellationToken);
            await DismissAsync(edge.Value, cancellationToken);
            if (follower.IsLocal)
            {
                await UnmergeFromHomeAsync(follower.Id, target.Id, cancellationToken);
            }

            undone = edge.Value;
        }

        if (await ReadAsync(FollowRecord.RequestedPartition(follower.Id), target.Id, cancellationToken) is { } request)
        {
            await DeleteRequestAsync(request, cancellationToken);
            undone ??= request.Value;
        }

        if (federate && undone is not null && follower.IsLocal && !target.IsLocal)
        {
            await outbox.UndoFollowAsync(follower, target, undone, cancellationToken);
        }
    }

    /// <summary>Accepts <paramref name="requesterId"/>'s pending request to follow <paramref name="target"/>.</summary>
    public async Task AuthorizeAsync(AccountRecord target, string requesterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var request = await ReadAsync(FollowRecord.RequestedPartition(requesterId), target.Id, cancellationToken) ?? throw new RecordNotFoundException();
        var edge = request.Value with { Id = ids.NextString(), CreatedAt = time.GetUtcNow(), NotificationId = null };
        var created = true;
        try
        {
            await CreateFollowAsync(edge, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            // Already following (a second authorize racing this one): only the request goes.
            created = false;
        }

        await DeleteRequestAsync(request, cancellationToken);
        if (created && edge.InboxUrl is null)
        {
            await MergeIntoHomeAsync(edge, cancellationToken);
        }

        if (target.IsLocal && await accounts.GetAsync(requesterId, cancellationToken) is { IsLocal: false } requester)
        {
            // Sent again on a repeated authorize too: the remote server may have missed the first.
            await outbox.AcceptFollowAsync(target, requester, edge, cancellationToken);
        }
    }

    /// <summary>Refuses <paramref name="requesterId"/>'s pending request to follow <paramref name="target"/>.</summary>
    public async Task RejectAsync(AccountRecord target, string requesterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var request = await ReadAsync(FollowRecord.RequestedPartition(requesterId), target.Id, cancellationToken) ?? throw new RecordNotFoundException();
        await DeleteRequestAsync(request, cancellationToken);
        if (target.IsLocal && await accounts.GetAsync(requesterId, cancellationToken) is { IsLocal: false } requester)
        {
            await outbox.RejectFollowAsync(target, requester, request.Value, cancellationToken);
        }
    }

    /// <summary>Accepts up to <paramref name="max"/> pending requests at once, as unlocking an account does.</summary>
    public async Task AuthorizeAllAsync(AccountRecord target, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var page = await store.QueryAsync(Containers.Follows, new DocumentQuery(FollowRecord.FollowRequestsPartition(target.Id)) { Limit = max, Descending = false }, StoreJsonContext.Default.FollowRecord, cancellationToken);
        foreach (var request in page.Items)
        {
            try
            {
                await AuthorizeAsync(target, request.Value.AccountId, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // Withdrawn meanwhile.
            }
        }
    }

    public async Task<FollowRecord?> GetFollowAsync(string followerId, string targetId, CancellationToken cancellationToken) =>
        (await ReadAsync(FollowRecord.FollowingPartition(followerId), targetId, cancellationToken))?.Value;

    public async Task<bool> IsFollowingAsync(string followerId, string targetId, CancellationToken cancellationToken) =>
        await GetFollowAsync(followerId, targetId, cancellationToken) is not null;

    /// <summary>Which of <paramref name="targetIds"/> <paramref name="followerId"/> follows: one batch of point reads.</summary>
    public async Task<IReadOnlySet<string>> FollowedAmongAsync(string followerId, IEnumerable<string> targetIds, CancellationToken cancellationToken)
    {
        var keys = targetIds.Distinct(StringComparer.Ordinal).Select(t => new DocumentKey(FollowRecord.FollowingPartition(followerId), t)).ToList();
        if (keys.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var docs = await store.ReadManyAsync(Containers.Follows, keys, StoreJsonContext.Default.FollowRecord, cancellationToken);
        return docs.Select(d => d.Value.TargetAccountId).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Accounts following <paramref name="accountId"/>, newest follow first, paged on the follow id.</summary>
    public Task<IReadOnlyList<FollowRecord>> FollowersAsync(string accountId, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(FollowRecord.FollowersPartition(accountId), page, cancellationToken);

    /// <summary>Accounts <paramref name="accountId"/> follows, newest follow first, paged on the follow id.</summary>
    public Task<IReadOnlyList<FollowRecord>> FollowingAsync(string accountId, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(FollowRecord.FollowingListPartition(accountId), page, cancellationToken);

    /// <summary>Pending requests to follow <paramref name="accountId"/>, newest first, paged on the request id.</summary>
    public Task<IReadOnlyList<FollowRecord>> FollowRequestsAsync(string accountId, PageRequest page, CancellationToken cancellationToken) =>
        PageAsync(FollowRecord.FollowRequestsPartition(accountId), page, cancellationToken);

    /// <summary>
    /// The viewer's relationships to each account: both follow directions, both request
    /// directions and the viewer's note, as two batches of point reads for all ids together.
    /// </summary>
    public async Task<IReadOnlyList<RelationshipState>> RelationshipsAsync(string viewerId, IReadOnlyList<string> accountIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var targets = accountIds.Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            return [];
        }

        var keys = new List<DocumentKey>(targets.Count * 4);
        foreach (var id in targets)
        {
            keys.Add(new DocumentKey(FollowRecord.FollowingPartition(viewerId), id));
            keys.Add(new DocumentKey(FollowRecord.FollowingPartition(id), viewerId));
            keys.Add(new DocumentKey(FollowRecord.RequestedPartition(viewerId), id));
            keys.Add(new DocumentKey(FollowRecord.RequestedPartition(id), viewerId));
        }

        var edges = (await store.ReadManyAsync(Containers.Follows, keys.Distinct().ToList(), StoreJsonContext.Default.FollowRecord, cancellationToken))
            .ToDictionary(d => (d.PartitionKey, d.Id));
        var notes = (await store.ReadManyAsync(Containers.Follows, targets.Select(id => new DocumentKey(AccountNoteRecord.Partition(viewerId), id)).ToList(), StoreJsonContext.Default.AccountNoteRecord, cancellationToken))
            .ToDictionary(d => d.Id, d => d.Value.Comment, StringComparer.Ordinal);

        FollowRecord? Edge(string partition, string id) => edges.TryGetValue((partition, id), out var doc) ? doc.Value : null;
        return targets.Select(id => new RelationshipState(
            id,
            Edge(FollowRecord.FollowingPartition(viewerId), id),
            Edge(FollowRecord.FollowingPartition(id), viewerId),
            Edge(FollowRecord.RequestedPartition(viewerId), id),
            Edge(FollowRecord.RequestedPartition(id), viewerId),
            notes.GetValueOrDefault(id))).ToList();
    }

    /// <summary>Sets (or, when empty, removes) the viewer's private note on an account.</summary>
    public async Task SetNoteAsync(string viewerId, string targetId, string? comment, CancellationToken cancellationToken)
    {
        _ = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        var text = comment ?? "";
        if (text.Length > AccountNoteRecord.MaxLength)
        {
            throw new ValidationFailedException($"Validation failed: Comment is too long (maximum is {AccountNoteRecord.MaxLength} characters)");
        }

        if (text.Length == 0)
        {
            await store.DeleteAsync(Containers.Follows, AccountNoteRecord.Partition(viewerId), targetId, ifMatch: null, cancellationToken);
            return;
        }

        await store.UpsertAsync(Containers.Follows, AccountNoteRecord.Partition(viewerId), targetId, new AccountNoteRecord(viewerId, targetId, text, time.GetUtcNow()), StoreJsonContext.Default.AccountNoteRecord, ifMatch: null, cancellationToken);
    }

    /// <summary>
    /// For each target, the accounts the viewer follows that also follow it. Per target this is
    /// one single-partition read of the smaller side (the target's followers or the viewer's
    /// following, up to <see cref="FamiliarScanLimit"/>) and one batch of point reads of the other.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FamiliarFollowersAsync(AccountRecord viewer, IReadOnlyList<AccountRecord> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(targets);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (target.Id == viewer.Id || viewer.FollowingCount == 0 || target.FollowersCount == 0)
            {
                result[target.Id] = [];
                continue;
            }

            List<string> familiar;
            if (target.FollowersCount <= viewer.FollowingCount)
            {
                var followers = await ScanAsync(FollowRecord.FollowersPartition(target.Id), cancellationToken);
                var followed = await FollowedAmongAsync(viewer.Id, followers.Select(f => f.AccountId), cancellationToken);
                familiar = followers.Select(f => f.AccountId).Where(followed.Contains).ToList();
            }
            else
            {
                var following = await ScanAsync(FollowRecord.FollowingListPartition(viewer.Id), cancellationToken);
                var keys = following.Select(f => new DocumentKey(FollowRecord.FollowingPartition(f.TargetAccountId), target.Id)).ToList();
                var edges = keys.Count == 0 ? [] : await store.ReadManyAsync(Containers.Follows, keys, StoreJsonContext.Default.FollowRecord, cancellationToken);
                familiar = edges.Select(e => e.Value.AccountId).ToList();
            }

            result[target.Id] = familiar.Where(id => id != viewer.Id).Distinct(StringComparer.Ordinal).ToList();
        }

        return result;
    }

    private async Task<IReadOnlyList<FollowRecord>> ScanAsync(string partition, CancellationToken cancellationToken) =>
        (await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = FamiliarScanLimit }, StoreJsonContext.Default.FollowRecord, cancellationToken))
            .Items.Select(i => i.Value).ToList();

    private async Task<IReadOnlyList<FollowRecord>> PageAsync(string partition, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);

        // min_id pages upwards from the cursor (oldest first), then shows newest first like every page.
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(partition)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var items = (await store.QueryAsync(Containers.Follows, query, StoreJsonContext.Default.FollowRecord, cancellationToken)).Items.Select(i => i.Value).ToList();
        if (ascending)
        {
            items.Reverse();
        }

        return items;
    }

    private Task<StoredDocument<FollowRecord>?> ReadAsync(string partition, string id, CancellationToken cancellationToken) =>
        store.ReadAsync(Containers.Follows, partition, id, StoreJsonContext.Default.FollowRecord, cancellationToken);

    /// <summary>Writes the three copies of a follow, then the counters; a failure before the counters removes what was written.</summary>
    private async Task CreateFollowAsync(FollowRecord edge, CancellationToken cancellationToken)
    {
        var listId = FollowRecord.ListId(edge);
        await store.CreateAsync(Containers.Follows, FollowRecord.FollowingPartition(edge.AccountId), edge.TargetAccountId, edge, StoreJsonContext.Default.FollowRecord, cancellationToken);
        try
        {
            await store.UpsertAsync(Containers.Follows, FollowRecord.FollowersPartition(edge.TargetAccountId), listId, edge, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
            await store.UpsertAsync(Containers.Follows, FollowRecord.FollowingListPartition(edge.AccountId), listId, edge, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowersPartition(edge.TargetAccountId), listId, ifMatch: null, CancellationToken.None);
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowingListPartition(edge.AccountId), listId, ifMatch: null, CancellationToken.None);
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowingPartition(edge.AccountId), edge.TargetAccountId, ifMatch: null, CancellationToken.None);
            throw;
        }

        await AddCountersAsync(edge.AccountId, edge.TargetAccountId, +1, cancellationToken);
    }

    private async Task CreateRequestAsync(FollowRecord request, CancellationToken cancellationToken)
    {
        var listId = FollowRecord.ListId(request);
        await store.CreateAsync(Containers.Follows, FollowRecord.RequestedPartition(request.AccountId), request.TargetAccountId, request, StoreJsonContext.Default.FollowRecord, cancellationToken);
        try
        {
            await store.UpsertAsync(Containers.Follows, FollowRecord.FollowRequestsPartition(request.TargetAccountId), listId, request, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(Containers.Follows, FollowRecord.RequestedPartition(request.AccountId), request.TargetAccountId, ifMatch: null, CancellationToken.None);
            throw;
        }

        await PatchCounterAsync(request.TargetAccountId, "/followRequestsCount", +1, cancellationToken);
    }

    private async Task DeleteRequestAsync(StoredDocument<FollowRecord> request, CancellationToken cancellationToken)
    {
        // Whoever deletes the gate copy owns the rest, so a racing withdraw and reject count once.
        if (await store.DeleteAsync(Containers.Follows, request.PartitionKey, request.Id, ifMatch: null, cancellationToken))
        {
            await store.DeleteAsync(Containers.Follows, FollowRecord.FollowRequestsPartition(request.Value.TargetAccountId), FollowRecord.ListId(request.Value), ifMatch: null, cancellationToken);
            await PatchCounterAsync(request.Value.TargetAccountId, "/followRequestsCount", -1, cancellationToken);
            await DismissAsync(request.Value, cancellationToken);
        }
    }

    /// <summary>Applies changed options to every copy of a follow or request; the gate copy's ETag orders concurrent changes.</summary>
    private async Task ChangeOptionsAsync(StoredDocument<FollowRecord> doc, FollowOptions options, bool request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = doc.Value;
            var changed = current with
            {
                ShowReblogs = options.Reblogs ?? current.ShowReblogs,
                Notify = options.Notify ?? current.Notify,
                Languages = options.Languages is null ? current.Languages : NormalizeLanguages(options.Languages),
            };
            if (changed.ShowReblogs == current.ShowReblogs && changed.Notify == current.Notify && SameLanguages(changed.Languages, current.Languages))
            {
                return;
            }

            try
            {
                await store.ReplaceAsync(Containers.Follows, doc.PartitionKey, doc.Id, changed, StoreJsonContext.Default.FollowRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 3)
            {
                doc = await ReadAsync(doc.PartitionKey, doc.Id, cancellationToken) ?? throw new RecordNotFoundException();
                continue;
            }

            var listId = FollowRecord.ListId(changed);
            if (request)
            {
                await store.UpsertAsync(Containers.Follows, FollowRecord.FollowRequestsPartition(changed.TargetAccountId), listId, changed, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
            }
            else
            {
                await store.UpsertAsync(Containers.Follows, FollowRecord.FollowersPartition(changed.TargetAccountId), listId, changed, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
                await store.UpsertAsync(Containers.Follows, FollowRecord.FollowingListPartition(changed.AccountId), listId, changed, StoreJsonContext.Default.FollowRecord, ifMatch: null, cancellationToken);
            }

            return;
        }
    }

    /// <summary>Notifies the target and remembers the notification on the point-readable copy, so that undoing the edge can take it back.</summary>
    private async Task NotifyAsync(FollowRecord edge, string partition, string type, CancellationToken cancellationToken)
    {
        if ((await accounts.GetAsync(edge.TargetAccountId, cancellationToken))?.IsLocal != true)
        {
            // Remote accounts are notified by their own servers.
            return;
        }

        var notification = await notifications.NotifyAsync(edge.TargetAccountId, type, edge.AccountId, null, cancellationToken);
        if (notification is null)
        {
            return;
        }

        try
        {
            await store.PatchAsync(Containers.Follows, partition, edge.TargetAccountId, [PatchOperation.Set("/notificationId", System.Text.Json.Nodes.JsonValue.Create(notification.Id))], ifMatch: null, cancellationToken);
        }
        catch (DocumentNotFoundException)
        {
            // Undone meanwhile: the notification goes too.
            await notifications.DismissAsync(edge.TargetAccountId, notification.Id, cancellationToken);
        }
    }

    private async Task DismissAsync(FollowRecord edge, CancellationToken cancellationToken)
    {
        if (edge.NotificationId is { } id)
        {
            await notifications.DismissAsync(edge.TargetAccountId, id, cancellationToken);
        }
    }

    private async Task AddCountersAsync(string followerId, string targetId, long by, CancellationToken cancellationToken)
    {
        await PatchCounterAsync(followerId, "/followingCount", by, cancellationToken);
        await PatchCounterAsync(targetId, "/followersCount", by, cancellationToken);
    }

    /// <summary>Counters are best-effort once the edge exists: a failed patch must not undo the follow.</summary>
    private async Task PatchCounterAsync(string accountId, string path, long by, CancellationToken cancellationToken)
    {
        try
        {
            await store.PatchAsync(Containers.Accounts, accountId, accountId, [PatchOperation.Increment(path, by)], ifMatch: null, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, accountId, path);
        }
    }

    /// <summary>
    /// Copies the followed account's recent statuses into the follower's home timeline, as
    /// Mastodon merges a new follow's posts into the feed: the ones the follower may see, without
    /// reblogs if they are hidden, without replies to accounts the follower does not follow, and
    /// only in the chosen languages. Bounded by <see cref="BackfillSize"/>.
    /// </summary>
    private async Task MergeIntoHomeAsync(FollowRecord edge, CancellationToken cancellationToken)
    {
        var entries = await store.QueryAsync(Containers.Timelines, new DocumentQuery(TimelineKeys.Account(edge.TargetAccountId)) { Limit = BackfillSize }, StoreJsonContext.Default.TimelineEntry, cancellationToken);
        if (entries.Items.Count == 0)
        {
            return;
        }

        var statuses = (await store.ReadManyAsync(Containers.Statuses, entries.Items.Select(e => new DocumentKey(e.Value.StatusId, e.Value.StatusId)).ToList(), StoreJsonContext.Default.StatusRecord, cancellationToken))
            .Select(d => d.Value)
            .Where(s => s.DeletedAt is null && s.AccountId == edge.TargetAccountId)
            .ToList();
        var repliedTo = statuses.Select(s => s.InReplyToAccountId).OfType<string>().Where(id => id != edge.AccountId && id != edge.TargetAccountId);
        var followed = await FollowedAmongAsync(edge.AccountId, repliedTo, cancellationToken);

        foreach (var status in statuses)
        {
            if (!StatusVisibility.IsVisible(edge.AccountId, status, viewerFollowsAuthor: true)
                || (status.ReblogOfId is not null && !edge.ShowReblogs)
                || (status.InReplyToAccountId is { } replied && replied != edge.AccountId && replied != edge.TargetAccountId && !followed.Contains(replied))
                || (edge.Languages is { Count: > 0 } languages && status.ReblogOfId is null && status.Language is { } language && !languages.Contains(language, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            await store.UpsertAsync(Containers.Timelines, TimelineKeys.Home(edge.AccountId), SnowflakeIds.Sortable(status.Id), new TimelineEntry(status.Id, status.AccountId, status.ReblogOfId), StoreJsonContext.Default.TimelineEntry, ifMatch: null, cancellationToken);
        }
    }

    /// <summary>Takes the unfollowed account's statuses (and reblogs) off the follower's home timeline: one filtered read of that partition.</summary>
    private async Task UnmergeFromHomeAsync(string followerId, string targetId, CancellationToken cancellationToken)
    {
        var home = TimelineKeys.Home(followerId);
        var entries = await store.QueryAsync(
            Containers.Timelines,
            new DocumentQuery(home) { Limit = UnmergeLimit, Filters = [new FieldFilter("accountId", System.Text.Json.Nodes.JsonValue.Create(targetId))] },
            StoreJsonContext.Default.TimelineEntry,
            cancellationToken);
        foreach (var entry in entries.Items)
        {
            await store.DeleteAsync(Containers.Timelines, home, entry.Id, ifMatch: null, cancellationToken);
        }
    }

    private static List<string>? NormalizeLanguages(IReadOnlyList<string>? languages)
    {
        var list = languages?.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return list is { Count: > 0 } ? list : null;
    }

    private static bool SameLanguages(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a ?? []).Order(StringComparer.Ordinal).SequenceEqual((b ?? []).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counter {Path} of account {AccountId} was not updated")]
    private static partial void LogCounterFailed(ILogger logger, Exception exception, string accountId, string path);
}
