using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Interactions;

/// <summary>
/// Favourites and reblogs by remote accounts (<c>Like</c>, <c>Announce</c> and their <c>Undo</c>),
/// stored as local ones are: the interaction record in the remote account's partition is the claim,
/// then the status's listing, its counter and the local author's notification. Nothing is sent back.
/// </summary>
public sealed partial class InteractionService
{
    /// <summary>A remote account's favourite (<c>Like</c>) of a status. Returns false when it was already counted.</summary>
    public async Task<bool> ReceiveFavouriteAsync(AccountRecord actor, StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(status);
        if (actor.IsLocal)
        {
            throw new ValidationFailedException("A received favourite is by a remote account");
        }

        var record = await ClaimAsync(actor, InteractionKeys.Favourite, status.Id, resultId: null, cancellationToken);
        if (record is null)
        {
            return false;
        }

        // A remote account's own favourites list is its server's business: only the status's listing is kept.
        await WithUndoOnFailureAsync(record, async () =>
        {
            await interactions.AddEntryAsync(InteractionListings.FavouritedBy(status.Id), record.EntryId!, new InteractionListEntry(actor.Id, status.Id, record.CreatedAt), cancellationToken);
            await store.PatchAsync(Containers.Statuses, status.Id, status.Id, [PatchOperation.Increment("/favouritesCount", 1)], ifMatch: null, cancellationToken);
        });

        await NotifyAsync(record, status, NotificationTypes.Favourite, cancellationToken);
        return true;
    }

    /// <summary>An <c>Undo Like</c>: the favourite, its listing entry, the count and the notification go.</summary>
    public async Task<bool> ReceiveUnfavouriteAsync(AccountRecord actor, StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(status);
        if (await interactions.RemoveAsync(actor.Id, InteractionKeys.Favourite, status.Id, cancellationToken) is not { } removed)
        {
            return false;
        }

        await interactions.RemoveEntryAsync(InteractionListings.FavouritedBy(status.Id), removed.EntryId ?? status.Id, cancellationToken);
        await store.PatchAsync(Containers.Statuses, status.Id, status.Id, [PatchOperation.Increment("/favouritesCount", -1)], ifMatch: null, cancellationToken);
        await RetractNotificationAsync(removed, status, cancellationToken);
        return true;
    }

    /// <summary>
    /// A remote account's reblog (<c>Announce</c>) of <paramref name="original"/>: a reblog status of that
    /// account whose ActivityPub id is the Announce's, listed in <c>reblogged_by</c>, counted, fanned out to
    /// its local followers' homes, and notified to a local author. Only public and unlisted statuses (or
    /// the account's own) can be reblogged. Returns the reblog, or the existing one when already reblogged.
    /// </summary>
    public async Task<StatusRecord?> ReceiveReblogAsync(AccountRecord actor, StatusRecord original, string announceUri, string visibility, DateTimeOffset published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentException.ThrowIfNullOrEmpty(announceUri);
        if (actor.IsLocal || original.ReblogOfId is not null)
        {
            throw new ValidationFailedException("A received reblog is by a remote account, of an original status");
        }

        if (original.AccountId != actor.Id && original.Visibility is not (Visibility.Public or Visibility.Unlisted))
        {
            throw new ForbiddenException("Only public and unlisted statuses can be reblogged");
        }

        var now = time.GetUtcNow();
        var at = published <= now ? published : now;
        var reblogId = await statuses.AllocateRemoteIdAsync(at, announceUri, cancellationToken);
        var record = await ClaimAsync(actor, InteractionKeys.Reblog, original.Id, reblogId, cancellationToken);
        if (record is null)
        {
            var existing = await interactions.GetAsync(actor.Id, InteractionKeys.Reblog, original.Id, cancellationToken);
            return existing?.ResultId is { } earlierId ? await statuses.GetAsync(earlierId, cancellationToken) : null;
        }

        // The Announce id names the reblog, so that Undo and Delete find it; an id seen before (an undone reblog) is not revived.
        var key = LookupKeys.Uri(announceUri);
        try
        {
            await store.CreateAsync(Containers.Lookups, key, key, new LookupRecord(key, reblogId), StoreJsonContext.Default.LookupRecord, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            await interactions.RemoveAsync(actor.Id, InteractionKeys.Reblog, original.Id, CancellationToken.None);
            return null;
        }

        var reblog = new StatusRecord
        {
            Id = reblogId,
            AccountId = actor.Id,
            Uri = announceUri,
            Url = announceUri,
            Visibility = visibility,
            ReblogOfId = original.Id,
            CreatedAt = at,
            Local = false,
        };

        try
        {
            await StoreReblogAsync(reblog, original, cancellationToken);
        }
        catch
        {
            // Nothing half-written: a redelivery starts clean.
            await store.DeleteAsync(Containers.Lookups, key, key, ifMatch: null, CancellationToken.None);
            await interactions.RemoveAsync(actor.Id, InteractionKeys.Reblog, original.Id, CancellationToken.None);
            throw;
        }

        try
        {
            await accounts.IncrementCountersAsync(actor.Id, 1, at, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogSideEffectFailed(logger, ex, original.Id);
        }

        await NotifyAsync(record, original, NotificationTypes.Reblog, cancellationToken);
        return reblog;
    }

    /// <summary>The reblog of <paramref name="original"/> by <paramref name="actor"/>, if any (for an <c>Undo Announce</c> matched by actor and object).</summary>
    public async Task<StatusRecord?> FindReblogAsync(AccountRecord actor, StatusRecord original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(original);
        return await interactions.GetAsync(actor.Id, InteractionKeys.Reblog, original.Id, cancellationToken) is { ResultId: { } reblogId }
            ? await statuses.GetAsync(reblogId, cancellationToken)
            : null;
    }
}
