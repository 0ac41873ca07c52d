using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Interactions;

/// <summary>
/// What an account does to a status: favourite, reblog, bookmark, pin, mute its conversation, and
/// the undoing of each. The interaction record is created first and is the claim (a second request
/// finds it and changes nothing); listings, counters and notifications follow. Every action works
/// on a status the account may see, and on the original when given a reblog, as Mastodon does.
/// </summary>
public sealed partial class InteractionService(
    IDocumentStore store,
    IWorkQueue queue,
    StatusService statuses,
    InteractionStore interactions,
    AccountService accounts,
    NotificationService notifications,
    SnowflakeIds ids,
    TimeProvider time,
    LocalUrls urls,
    Federation.IFederationOutbox outbox,
    ILogger<InteractionService> logger)
{
    /// <summary>Mastodon's limit of pinned statuses per local account.</summary>
    public const int MaxPinned = 5;

    public async Task<StatusRecord> FavouriteAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        var record = await ClaimAsync(viewer, InteractionKeys.Favourite, status.Id, resultId: null, cancellationToken);
        if (record is null)
        {
            return status;
        }

        await WithUndoOnFailureAsync(record, async () =>
        {
            var entry = new InteractionListEntry(viewer.Id, status.Id, record.CreatedAt);
            await interactions.AddEntryAsync(InteractionListings.Favourites(viewer.Id), record.EntryId!, entry, cancellationToken);
            await interactions.AddEntryAsync(InteractionListings.FavouritedBy(status.Id), record.EntryId!, entry, cancellationToken);
            await store.PatchAsync(Containers.Statuses, status.Id, status.Id, [PatchOperation.Increment("/favouritesCount", 1)], ifMatch: null, cancellationToken);
        });

        await NotifyAsync(record, status, NotificationTypes.Favourite, cancellationToken);
        if (!status.Local)
        {
            await outbox.LikeAsync(viewer, status, undo: false, cancellationToken);
        }

        return status;
    }

    public async Task<StatusRecord> UnfavouriteAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        if (await interactions.RemoveAsync(viewer.Id, InteractionKeys.Favourite, status.Id, cancellationToken) is { } removed)
        {
            await interactions.RemoveEntryAsync(InteractionListings.Favourites(viewer.Id), removed.EntryId ?? status.Id, cancellationToken);
            await interactions.RemoveEntryAsync(InteractionListings.FavouritedBy(status.Id), removed.EntryId ?? status.Id, cancellationToken);
            await store.PatchAsync(Containers.Statuses, status.Id, status.Id, [PatchOperation.Increment("/favouritesCount", -1)], ifMatch: null, cancellationToken);
            await RetractNotificationAsync(removed, status, cancellationToken);
            if (!status.Local)
            {
                await outbox.LikeAsync(viewer, status, undo: true, cancellationToken);
            }
        }

        return status;
    }

    /// <summary>
    /// Reblogs a status (the original when given a reblog) and returns the reblog. Reblogging again
    /// returns the existing reblog. Direct statuses, and private ones of others, cannot be reblogged
    /// (403, as Mastodon's policy answers).
    /// </summary>
    public async Task<StatusRecord> ReblogAsync(AccountRecord viewer, UserRecord user, string statusId, string? visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(user);
        var original = await TargetAsync(viewer, statusId, cancellationToken);
        if (original.Visibility == Visibility.Direct || (original.Visibility == Visibility.Private && original.AccountId != viewer.Id))
        {
            throw new ForbiddenException("This action is not allowed");
        }

        if (!string.IsNullOrEmpty(visibility) && visibility is not (Visibility.Public or Visibility.Unlisted or Visibility.Private))
        {
            throw new ValidationFailedException("Validation failed: Visibility is not included in the list");
        }

        // A reblog of a private status keeps it private; otherwise the requested or default visibility.
        var reblogVisibility = original.Visibility == Visibility.Private
            ? Visibility.Private
            : !string.IsNullOrEmpty(visibility) ? visibility : user.DefaultVisibility == Visibility.Direct ? Visibility.Private : user.DefaultVisibility;

        var reblogId = ids.NextString();
        var record = await ClaimAsync(viewer, InteractionKeys.Reblog, original.Id, reblogId, cancellationToken);
        if (record is null)
        {
            var existing = await interactions.GetAsync(viewer.Id, InteractionKeys.Reblog, original.Id, cancellationToken);
            return existing?.ResultId is { } earlierId && await statuses.GetAsync(earlierId, cancellationToken) is { } earlier
                ? earlier
                : throw new ValidationFailedException("A reblog of this post is still being processed");
        }

        var now = record.CreatedAt;
        var uri = urls.StatusUri(viewer.Username, reblogId) + "/activity";
        var reblog = new StatusRecord
        {
            Id = reblogId,
            AccountId = viewer.Id,
            Uri = uri,
            Url = uri,
            Visibility = reblogVisibility,
            ReblogOfId = original.Id,
            CreatedAt = now,
        };

        try
        {
            await StoreReblogAsync(reblog, original, cancellationToken);
        }
        catch
        {
            await interactions.RemoveAsync(viewer.Id, InteractionKeys.Reblog, original.Id, CancellationToken.None);
            throw;
        }

        try
        {
            await accounts.IncrementCountersAsync(viewer.Id, 1, now, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogSideEffectFailed(logger, ex, original.Id);
        }

        await NotifyAsync(record, original, NotificationTypes.Reblog, cancellationToken);
        return reblog;
    }

    /// <summary>Undoes a reblog (deleting the reblog status) and returns the original.</summary>
    public async Task<StatusRecord> UnreblogAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var original = await TargetAsync(viewer, statusId, cancellationToken);
        if (await interactions.GetAsync(viewer.Id, InteractionKeys.Reblog, original.Id, cancellationToken) is { ResultId: { } reblogId })
        {
            if (await statuses.TombstoneAsync(reblogId, viewer.Id, cancellationToken) is not null)
            {
                await accounts.IncrementCountersAsync(viewer.Id, -1, null, cancellationToken);
            }

            await statuses.ForgetReblogAsync(viewer.Id, original.Id, reblogId, cancellationToken);
        }

        return original;
    }

    public async Task<StatusRecord> BookmarkAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        if (await ClaimAsync(viewer, InteractionKeys.Bookmark, status.Id, resultId: null, cancellationToken) is { } record)
        {
            await WithUndoOnFailureAsync(record, () => interactions.AddEntryAsync(InteractionListings.Bookmarks(viewer.Id), record.EntryId!, new InteractionListEntry(viewer.Id, status.Id, record.CreatedAt), cancellationToken));
        }

        return status;
    }

    public async Task<StatusRecord> UnbookmarkAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        if (await interactions.RemoveAsync(viewer.Id, InteractionKeys.Bookmark, status.Id, cancellationToken) is { } removed)
        {
            await interactions.RemoveEntryAsync(InteractionListings.Bookmarks(viewer.Id), removed.EntryId ?? status.Id, cancellationToken);
        }

        return status;
    }

    /// <summary>Pins one of the account's own statuses to its profile (not a reblog, not direct; at most <see cref="MaxPinned"/>).</summary>
    public async Task<StatusRecord> PinAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await statuses.GetVisibleAsync(statusId, viewer, cancellationToken) ?? throw new RecordNotFoundException();
        if (status.ReblogOfId is not null)
        {
            throw new ValidationFailedException("Validation failed: A boost cannot be pinned");
        }

        if (status.AccountId != viewer.Id)
        {
            throw new ValidationFailedException("Validation failed: Someone else's post cannot be pinned");
        }

        if (status.Visibility == Visibility.Direct)
        {
            throw new ValidationFailedException("Validation failed: Posts that are only visible to mentioned users cannot be pinned");
        }

        if (await interactions.GetAsync(viewer.Id, InteractionKeys.Pin, status.Id, cancellationToken) is not null)
        {
            return status;
        }

        if (await interactions.CountAsync(InteractionListings.Pins(viewer.Id), MaxPinned, cancellationToken) >= MaxPinned)
        {
            throw new ValidationFailedException("Validation failed: You have already pinned the maximum number of posts");
        }

        if (await ClaimAsync(viewer, InteractionKeys.Pin, status.Id, resultId: null, cancellationToken) is { } record)
        {
            await WithUndoOnFailureAsync(record, () => interactions.AddEntryAsync(InteractionListings.Pins(viewer.Id), record.EntryId!, new InteractionListEntry(viewer.Id, status.Id, record.CreatedAt), cancellationToken));
        }

        return status;
    }

    public async Task<StatusRecord> UnpinAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await statuses.GetVisibleAsync(statusId, viewer, cancellationToken) ?? throw new RecordNotFoundException();
        if (await interactions.RemoveAsync(viewer.Id, InteractionKeys.Pin, status.Id, cancellationToken) is { } removed)
        {
            await interactions.RemoveEntryAsync(InteractionListings.Pins(viewer.Id), removed.EntryId ?? status.Id, cancellationToken);
        }

        return status;
    }

    /// <summary>Mutes the conversation (its root) of a status: no more notifications from it.</summary>
    public async Task<StatusRecord> MuteAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        await ClaimAsync(viewer, InteractionKeys.Mute, status.ConversationId ?? status.Id, resultId: null, cancellationToken);
        return status;
    }

    public async Task<StatusRecord> UnmuteAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var status = await TargetAsync(viewer, statusId, cancellationToken);
        await interactions.RemoveAsync(viewer.Id, InteractionKeys.Mute, status.ConversationId ?? status.Id, cancellationToken);
        return status;
    }

    /// <summary>A page of the accounts that favourited (or reblogged) a status the viewer may see, with their entry ids as cursors.</summary>
    public async Task<IReadOnlyList<(string Id, AccountRecord Account)>> WhoAsync(AccountRecord? viewer, string statusId, bool reblogs, PageRequest page, CancellationToken cancellationToken)
    {
        var status = await statuses.GetVisibleAsync(statusId, viewer, cancellationToken) ?? throw new RecordNotFoundException();
        var listing = reblogs ? InteractionListings.RebloggedBy(status.Id) : InteractionListings.FavouritedBy(status.Id);
        var entries = await interactions.PageAsync(listing, page, cancellationToken);
        var byId = (await accounts.GetManyAsync(entries.Select(e => e.Entry.AccountId), cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        return entries.Where(e => byId.ContainsKey(e.Entry.AccountId)).Select(e => (e.Id, byId[e.Entry.AccountId])).ToList();
    }

    /// <summary>The status an action applies to: one the viewer may see, and the original when it is a reblog.</summary>
    private async Task<StatusRecord> TargetAsync(AccountRecord viewer, string statusId, CancellationToken cancellationToken)
    {
        var status = await statuses.GetVisibleAsync(statusId, viewer, cancellationToken) ?? throw new RecordNotFoundException();
        var target = status.ReblogOfId is { } originalId
            ? await statuses.GetVisibleAsync(originalId, viewer, cancellationToken) ?? throw new RecordNotFoundException()
            : status;

        // As Mastodon: a status whose author blocks the viewer is not there for them (one point read).
        if (target.AccountId != viewer.Id
            && await store.ReadAsync(Containers.Follows, Follows.BlockRecord.BlocksPartition(target.AccountId), viewer.Id, StoreJsonContext.Default.BlockRecord, cancellationToken) is not null)
        {
            throw new RecordNotFoundException();
        }

        return target;
    }

    /// <summary>Creates the interaction record; null when it already exists (nothing more to do).</summary>
    private async Task<InteractionRecord?> ClaimAsync(AccountRecord viewer, string kind, string targetId, string? resultId, CancellationToken cancellationToken)
    {
        var record = new InteractionRecord
        {
            AccountId = viewer.Id,
            Kind = kind,
            TargetId = targetId,
            ResultId = resultId,
            EntryId = resultId ?? ids.NextString(),
            CreatedAt = time.GetUtcNow(),
        };
        return await interactions.TryCreateAsync(record, cancellationToken) ? record : null;
    }

    /// <summary>Runs the writes that follow a claim; if one fails, the claim goes too, so a retry starts clean.</summary>
    private async Task WithUndoOnFailureAsync(InteractionRecord record, Func<Task> writes)
    {
        try
        {
            await writes();
        }
        catch
        {
            await interactions.RemoveAsync(record.AccountId, record.Kind, record.TargetId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Notifies a local author (best-effort) and remembers the notification on the record.</summary>
    private async Task NotifyAsync(InteractionRecord record, StatusRecord status, string type, CancellationToken cancellationToken)
    {
        if (!status.Local)
        {
            return;
        }

        try
        {
            if (await IsMutedAsync(status, cancellationToken))
            {
                return;
            }

            if (await notifications.NotifyAsync(status.AccountId, type, record.AccountId, status.Id, cancellationToken) is { } notification)
            {
                await interactions.SetNotificationAsync(record, notification.Id, cancellationToken);
            }
        }
        catch (DocumentStoreException ex)
        {
            LogSideEffectFailed(logger, ex, status.Id);
        }
    }

    private async Task<bool> IsMutedAsync(StatusRecord status, CancellationToken cancellationToken) =>
        await interactions.GetAsync(status.AccountId, InteractionKeys.Mute, status.ConversationId ?? status.Id, cancellationToken) is not null;

    private async Task RetractNotificationAsync(InteractionRecord removed, StatusRecord status, CancellationToken cancellationToken)
    {
        if (removed.NotificationId is { } notificationId)
        {
            await store.DeleteAsync(Containers.Notifications, status.AccountId, SnowflakeIds.Sortable(notificationId), ifMatch: null, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A counter or notification of an interaction with status {StatusId} was not written")]
    private static partial void LogSideEffectFailed(ILogger logger, Exception exception, string statusId);

    /// <summary>
    /// Writes a reblog (local or received): the status, the reblogged_by entry, the original's
    /// counter, and the fanout that puts it on timelines. A failure removes what this call wrote.
    /// </summary>
    private async Task StoreReblogAsync(StatusRecord reblog, StatusRecord original, CancellationToken cancellationToken)
    {
        var created = false;
        try
        {
            await store.CreateAsync(Containers.Statuses, reblog.Id, reblog.Id, reblog, StoreJsonContext.Default.StatusRecord, cancellationToken);
            created = true;
            await interactions.AddEntryAsync(InteractionListings.RebloggedBy(original.Id), reblog.Id, new InteractionListEntry(reblog.AccountId, original.Id, reblog.CreatedAt), cancellationToken);
            await store.PatchAsync(Containers.Statuses, original.Id, original.Id, [PatchOperation.Increment("/reblogsCount", 1)], ifMatch: null, cancellationToken);
            await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Create, reblog.Id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
        catch when (created)
        {
            await store.DeleteAsync(Containers.Statuses, reblog.Id, reblog.Id, ifMatch: null, CancellationToken.None);
            await interactions.RemoveEntryAsync(InteractionListings.RebloggedBy(original.Id), reblog.Id, CancellationToken.None);
            throw;
        }
    }
}
