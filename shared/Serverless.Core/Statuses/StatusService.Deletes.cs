using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Statuses;

public sealed partial class StatusService
{
    /// <summary>Reblogs of a deleted status removed per request; any left are dropped when timelines render.</summary>
    public const int MaxReblogsRemoved = 200;

    /// <summary>
    /// Deletes one of the author's statuses (or reblogs): the record becomes a tombstone
    /// (<see cref="StatusRecord.DeletedAt"/>), a <c>delete</c> fanout takes it off the timelines it
    /// was put on, counters go down, a pin goes, reblogs of it go, and its uploads are given back
    /// for a redraft unless <paramref name="deleteMedia"/>. Returns the status as it was.
    /// </summary>
    public async Task<StatusRecord> DeleteAsync(AccountRecord author, string statusId, bool deleteMedia, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        var status = await TombstoneAsync(statusId, author.Id, cancellationToken) ?? throw new RecordNotFoundException();

        try
        {
            await accounts.IncrementCountersAsync(author.Id, -1, null, cancellationToken);
            if (status.ReblogOfId is null && status.Local)
            {
                await stats.AddAsync(users: 0, statuses: -1, cancellationToken);
            }

            if (status.InReplyToId is { } parentId && await GetAsync(parentId, cancellationToken) is not null)
            {
                await store.PatchAsync(Containers.Statuses, parentId, parentId, [PatchOperation.Increment("/repliesCount", -1)], ifMatch: null, cancellationToken);
            }

            if (await interactions.RemoveAsync(author.Id, InteractionKeys.Pin, status.Id, cancellationToken) is { } pin)
            {
                await interactions.RemoveEntryAsync(InteractionListings.Pins(author.Id), pin.EntryId ?? status.Id, cancellationToken);
            }

            if (status.ReblogOfId is { } originalId)
            {
                await ForgetReblogAsync(author.Id, originalId, status.Id, cancellationToken);
            }
            else
            {
                await RemoveReblogsOfAsync(status, cancellationToken);
            }

            if (!deleteMedia)
            {
                await DetachMediaAsync(status, cancellationToken);
            }
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, status.Id);
        }

        return status;
    }

    /// <summary>
    /// Marks a status deleted (if <paramref name="ownerId"/> owns it) and enqueues the fanout that
    /// takes it off timelines. Returns the status as it was, or null when there is nothing to delete.
    /// </summary>
    internal async Task<StatusRecord?> TombstoneAsync(string statusId, string ownerId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(statusId, out _))
        {
            return null;
        }

        for (var attempt = 0; ; attempt++)
        {
            var doc = await store.ReadAsync(Containers.Statuses, statusId, statusId, StoreJsonContext.Default.StatusRecord, cancellationToken);
            if (doc?.Value is not { DeletedAt: null } status || status.AccountId != ownerId)
            {
                return null;
            }

            try
            {
                // Patch rather than replace: counters patched meanwhile stay, and the ETag makes one request the deleter.
                await store.PatchAsync(Containers.Statuses, statusId, statusId, [PatchOperation.Set("/deletedAt", System.Text.Json.Nodes.JsonValue.Create(time.GetUtcNow()))], doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 3)
            {
                continue;
            }

            try
            {
                await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Delete, statusId), StoreJsonContext.Default.FanoutMessage, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Timelines drop deleted statuses when they render, so a lost cleanup only costs space.
                LogCounterFailed(logger, ex, statusId);
            }

            return status;
        }
    }

    /// <summary>The bookkeeping of an undone reblog: the reblogger's record, the listing, the count and the notification.</summary>
    internal async Task ForgetReblogAsync(string rebloggerId, string originalId, string reblogId, CancellationToken cancellationToken)
    {
        var record = await interactions.GetAsync(rebloggerId, InteractionKeys.Reblog, originalId, cancellationToken);
        if (record is null || record.ResultId != reblogId || await interactions.RemoveAsync(rebloggerId, InteractionKeys.Reblog, originalId, cancellationToken) is null)
        {
            return;
        }

        await interactions.RemoveEntryAsync(InteractionListings.RebloggedBy(originalId), reblogId, cancellationToken);
        if (await GetAsync(originalId, cancellationToken) is { } original)
        {
            await store.PatchAsync(Containers.Statuses, originalId, originalId, [PatchOperation.Increment("/reblogsCount", -1)], ifMatch: null, cancellationToken);
            if (record.NotificationId is { } notificationId)
            {
                await store.DeleteAsync(Containers.Notifications, original.AccountId, SnowflakeIds.Sortable(notificationId), ifMatch: null, cancellationToken);
            }
        }
    }

    /// <summary>Deletes the reblogs of a deleted status, as Mastodon does (one page of them).</summary>
    private async Task RemoveReblogsOfAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        var reblogs = await interactions.PageAsync(InteractionListings.RebloggedBy(status.Id), new PageRequest(null, null, null, MaxReblogsRemoved), cancellationToken);
        foreach (var (reblogId, entry) in reblogs)
        {
            if (await TombstoneAsync(reblogId, entry.AccountId, cancellationToken) is not null)
            {
                await accounts.IncrementCountersAsync(entry.AccountId, -1, null, cancellationToken);
            }

            await interactions.RemoveAsync(entry.AccountId, InteractionKeys.Reblog, status.Id, cancellationToken);
            await interactions.RemoveEntryAsync(InteractionListings.RebloggedBy(status.Id), reblogId, cancellationToken);
        }
    }
}
