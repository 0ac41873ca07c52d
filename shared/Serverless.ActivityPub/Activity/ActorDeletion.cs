using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// An actor's <c>Delete</c> of itself, as Mastodon's account deletion of a remote account: the account is
/// marked suspended at once, then its statuses are deleted (taking them and its reblogs off every
/// timeline, a page per message, newest first through its account timeline), then its follows both
/// ways and its favourites go. Each message does a bounded step and queues the next
/// (<see cref="ActivityContinuations"/>).
/// </summary>
public sealed partial class ActorDeletion(
    AccountService accounts,
    StatusService statuses,
    FollowService follows,
    InteractionService interactions,
    IDocumentStore store,
    ActivityContinuations continuations,
    ILogger<ActorDeletion> logger)
{
    /// <summary>Statuses deleted per message.</summary>
    public const int StatusesPerStep = 50;

    /// <summary>Follows (each way) and favourites removed per message.</summary>
    public const int OthersPerStep = 100;

    /// <summary>Steps after the statuses, at most (each removes what it finds, so the rest shrinks every time).</summary>
    public const int MaxSteps = 200;

    private const string StatusesStep = "statuses:";
    private const string RestStep = "rest:";

    public async Task DeleteAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var actor = activity.Actor;
        if (actor.IsLocal)
        {
            return;
        }

        actor = await accounts.MarkSuspendedAsync(actor.Id, cancellationToken) ?? actor;
        var step = ActivityContinuations.Of(activity);
        if (step is null || step.StartsWith(StatusesStep, StringComparison.Ordinal))
        {
            var before = step?[StatusesStep.Length..];
            var next = await DeleteStatusesAsync(actor, string.IsNullOrEmpty(before) ? null : before, cancellationToken);
            await continuations.ContinueAsync(activity, next is null ? RestStep + "0" : StatusesStep + next, cancellationToken);
            return;
        }

        if (!step.StartsWith(RestStep, StringComparison.Ordinal) || !int.TryParse(step.AsSpan(RestStep.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count >= MaxSteps)
        {
            return;
        }

        if (await RemoveRelationsAsync(actor, cancellationToken))
        {
            await continuations.ContinueAsync(activity, RestStep + (count + 1).ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
        else
        {
            LogDeleted(logger, actor.Uri);
        }
    }

    /// <summary>Deletes one page of the account's statuses (its reblogs included); returns where the next page starts, or null after the last.</summary>
    private async Task<string?> DeleteStatusesAsync(AccountRecord actor, string? before, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(
            Containers.Timelines,
            new DocumentQuery(TimelineKeys.Account(actor.Id)) { Limit = StatusesPerStep, IdBefore = before },
            StoreJsonContext.Default.TimelineEntry,
            cancellationToken);
        foreach (var entry in page.Items)
        {
            if (entry.Value.AccountId != actor.Id)
            {
                continue;
            }

            try
            {
                await statuses.DeleteAsync(actor, entry.Value.StatusId, deleteMedia: true, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // Deleted before (its entry goes with its own delete fan-out).
            }
        }

        return page.Items.Count == StatusesPerStep ? page.Items[^1].Id : null;
    }

    /// <summary>Removes a page of follows each way, pending requests and favourites; true when there may be more.</summary>
    private async Task<bool> RemoveRelationsAsync(AccountRecord actor, CancellationToken cancellationToken)
    {
        var more = false;

        // Local accounts that follow it, or asked to.
        var followers = await EdgesAsync(FollowRecord.FollowersPartition(actor.Id), cancellationToken);
        var requesters = await EdgesAsync(FollowRecord.FollowRequestsPartition(actor.Id), cancellationToken);
        var locals = followers.Concat(requesters).Select(e => e.AccountId).ToList();
        foreach (var follower in await accounts.GetManyAsync(locals, cancellationToken))
        {
            await follows.ReceiveFollowEndedAsync(follower, actor, cancellationToken);
        }

        // Local accounts it follows, or asked to follow.
        var followed = await EdgesAsync(FollowRecord.FollowingListPartition(actor.Id), cancellationToken);
        var requested = await EdgesAsync(FollowRecord.RequestedPartition(actor.Id), cancellationToken);
        foreach (var targetId in followed.Concat(requested).Select(e => e.TargetAccountId).Distinct(StringComparer.Ordinal))
        {
            if (await accounts.GetAsync(targetId, cancellationToken) is { } target)
            {
                await follows.ReceiveFollowEndedAsync(actor, target, cancellationToken);
            }
        }

        more |= followers.Count == OthersPerStep || requesters.Count == OthersPerStep || followed.Count == OthersPerStep || requested.Count == OthersPerStep;

        var favourites = await store.QueryAsync(
            Containers.Interactions,
            new DocumentQuery(actor.Id) { Limit = OthersPerStep, Filters = [new FieldFilter("kind", JsonValue.Create(InteractionKeys.Favourite))] },
            StoreJsonContext.Default.InteractionRecord,
            cancellationToken);
        foreach (var favourite in favourites.Items)
        {
            var status = await statuses.GetAsync(favourite.Value.TargetId, cancellationToken);
            if (status is null || !await interactions.ReceiveUnfavouriteAsync(actor, status, cancellationToken))
            {
                // The status is gone: only the record is left to remove.
                await store.DeleteAsync(Containers.Interactions, actor.Id, favourite.Id, ifMatch: null, cancellationToken);
            }
        }

        return more || favourites.Items.Count == OthersPerStep;
    }

    private async Task<IReadOnlyList<FollowRecord>> EdgesAsync(string partition, CancellationToken cancellationToken) =>
        (await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = OthersPerStep, Descending = false }, StoreJsonContext.Default.FollowRecord, cancellationToken))
            .Items.Select(i => i.Value).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the deleted account {Actor}: statuses, follows and favourites")]
    private static partial void LogDeleted(ILogger logger, string actor);
}
