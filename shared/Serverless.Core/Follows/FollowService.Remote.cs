using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;

namespace Serverless.Core.Follows;

/// <summary>Follows that cross servers: requests sent to remote accounts, and Follow, Accept, Reject and Undo received from them.</summary>
public sealed partial class FollowService
{
    /// <summary>
    /// A follow of a remote account is a request until its server sends <c>Accept</c>, whether or not
    /// the account is locked (as Mastodon does: the remote server decides).
    /// </summary>
    private async Task RequestRemoteFollowAsync(AccountRecord follower, AccountRecord target, FollowRecord edge, CancellationToken cancellationToken)
    {
        var request = edge with { ActivityUri = $"{follower.Uri}#follows/{edge.Id}" };
        try
        {
            await CreateRequestAsync(request, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            await FollowAsync(follower, target.Id, new FollowOptions(edge.ShowReblogs, edge.Notify, edge.Languages), cancellationToken);
            return;
        }

        await outbox.FollowAsync(follower, target, request, cancellationToken);
    }

    /// <summary>
    /// A remote account's <c>Follow</c> of a local one: a follow (answered with <c>Accept</c>), or a
    /// follow request when the account is locked. A repeated Follow of an existing edge is accepted again,
    /// since the remote server evidently missed the first Accept.
    /// </summary>
    public async Task ReceiveFollowAsync(AccountRecord follower, AccountRecord target, string activityUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(target);
        if (follower.IsLocal || !target.IsLocal)
        {
            throw new ValidationFailedException("A received Follow goes from a remote account to a local one");
        }

        if (await FollowForbiddenAsync(follower, target, cancellationToken))
        {
            // As Mastodon: a Follow from an account (or domain) the target blocks, or one the target is blocked by, is rejected.
            await outbox.RejectFollowAsync(target, follower, new FollowRecord { Id = ids.NextString(), AccountId = follower.Id, TargetAccountId = target.Id, CreatedAt = time.GetUtcNow(), ActivityUri = activityUri }, cancellationToken);
            return;
        }

        if (await ReadAsync(FollowRecord.FollowingPartition(follower.Id), target.Id, cancellationToken) is { } existing)
        {
            await outbox.AcceptFollowAsync(target, follower, existing.Value with { ActivityUri = activityUri }, cancellationToken);
            return;
        }

        if (await ReadAsync(FollowRecord.RequestedPartition(follower.Id), target.Id, cancellationToken) is not null)
        {
            return;
        }

        var edge = new FollowRecord
        {
            Id = ids.NextString(),
            AccountId = follower.Id,
            TargetAccountId = target.Id,
            CreatedAt = time.GetUtcNow(),
            InboxUrl = follower.SharedInboxUrl ?? follower.InboxUrl,
            ActivityUri = activityUri,
        };

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
            // The same Follow delivered twice at once: the first one answers.
            return;
        }

        await NotifyAsync(edge, FollowRecord.FollowingPartition(follower.Id), NotificationTypes.Follow, cancellationToken);
        await outbox.AcceptFollowAsync(target, follower, edge, cancellationToken);
    }

    /// <summary>The remote account accepted a local account's follow request: the edge is made and their posts merged into home.</summary>
    public async Task ReceiveAcceptAsync(AccountRecord follower, AccountRecord target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(target);
        if (await ReadAsync(FollowRecord.RequestedPartition(follower.Id), target.Id, cancellationToken) is null)
        {
            // Already accepted, or withdrawn meanwhile (our Undo is on its way).
            return;
        }

        await AuthorizeAsync(target, follower.Id, cancellationToken);
    }

    /// <summary>
    /// The remote side ended a follow: a <c>Reject</c> of a local account's follow (or request), or an
    /// <c>Undo Follow</c> by a remote follower. Nothing is sent back.
    /// </summary>
    public Task ReceiveFollowEndedAsync(AccountRecord follower, AccountRecord target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return UnfollowAsync(follower, target.Id, federate: false, cancellationToken);
    }

    /// <summary>Makes <paramref name="follower"/> stop following <paramref name="target"/> (<c>remove_from_followers</c>); a remote follower's server gets <c>Reject Follow</c>, as Mastodon sends.</summary>
    public async Task RemoveFollowerAsync(AccountRecord target, AccountRecord follower, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(follower);
        var edge = (await ReadAsync(FollowRecord.FollowingPartition(follower.Id), target.Id, cancellationToken))?.Value;
        if (edge is null)
        {
            return;
        }

        await UnfollowAsync(follower, target.Id, federate: false, cancellationToken);
        if (!follower.IsLocal && target.IsLocal)
        {
            await outbox.RejectFollowAsync(target, follower, edge, cancellationToken);
        }
    }

    /// <summary>The edge or pending request from <paramref name="followerId"/> to <paramref name="targetId"/>, if any.</summary>
    public async Task<FollowRecord?> GetFollowOrRequestAsync(string followerId, string targetId, CancellationToken cancellationToken) =>
        (await ReadAsync(FollowRecord.FollowingPartition(followerId), targetId, cancellationToken))?.Value
        ?? (await ReadAsync(FollowRecord.RequestedPartition(followerId), targetId, cancellationToken))?.Value;
}
