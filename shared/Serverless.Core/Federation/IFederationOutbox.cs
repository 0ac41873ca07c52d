using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Statuses;

namespace Serverless.Core.Federation;

/// <summary>
/// The port through which application services tell remote servers what local accounts did.
/// The ActivityPub adapter renders each activity, stores it once and enqueues one <c>deliver</c>
/// message per inbox; without federation (<see cref="NullFederationOutbox"/>) nothing leaves.
/// Every method is idempotent: activity ids are derived from what they describe.
/// </summary>
public interface IFederationOutbox
{
    /// <summary>A local account asked to follow a remote one (<c>Follow</c>).</summary>
    Task FollowAsync(AccountRecord follower, AccountRecord target, FollowRecord request, CancellationToken cancellationToken);

    /// <summary>A local account stopped following (or withdrew its request to) a remote one (<c>Undo Follow</c>).</summary>
    Task UndoFollowAsync(AccountRecord follower, AccountRecord target, FollowRecord edge, CancellationToken cancellationToken);

    /// <summary>A local account accepted a remote follower (<c>Accept Follow</c>).</summary>
    Task AcceptFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken);

    /// <summary>A local account refused a remote follower or removed one (<c>Reject Follow</c>).</summary>
    Task RejectFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken);

    /// <summary>A local account blocked a remote one (<c>Block</c>), or took the block back (<c>Undo Block</c>).</summary>
    Task BlockAsync(AccountRecord blocker, AccountRecord target, BlockRecord block, bool undo, CancellationToken cancellationToken);

    /// <summary>A local account favourited a remote status (<c>Like</c>), or took it back.</summary>
    Task LikeAsync(AccountRecord actor, StatusRecord status, bool undo, CancellationToken cancellationToken);

    /// <summary>A local account voted in a remote poll: one <c>Create Note</c> per chosen option.</summary>
    Task VoteAsync(AccountRecord voter, StatusRecord status, IReadOnlyList<string> optionTitles, CancellationToken cancellationToken);

    /// <summary>
    /// A local poll was voted in or ended: an <c>Update</c> of its <c>Question</c> with the counts to its
    /// remote voters and the author's followers, one per short window however many votes arrive.
    /// </summary>
    Task PollTalliedAsync(StatusRecord status, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A local account changed its profile (<c>Update Person</c> to its followers).</summary>
    Task ProfileUpdatedAsync(AccountRecord account, CancellationToken cancellationToken);

    /// <summary>
    /// Called by fan-out for each page of a local status's audience: delivers the status event
    /// (<see cref="Fanout.FanoutEvents"/>: create, update or delete) to the given remote inboxes.
    /// </summary>
    Task DeliverStatusEventAsync(string statusEvent, StatusRecord status, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken);

    /// <summary>Called by fan-out for each page of an account's followers: delivers an already stored activity to the given inboxes.</summary>
    Task DeliverStoredAsync(string activityId, string signerAccountId, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken);

    /// <summary>A report of a remote account forwarded to its server (<c>Flag</c> from the instance actor, naming the account and statuses).</summary>
    Task FlagAsync(Moderation.ReportRecord report, AccountRecord target, IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken);
}

/// <summary>Federation turned off: activities go nowhere.</summary>
public sealed class NullFederationOutbox : IFederationOutbox
{
    public Task FollowAsync(AccountRecord follower, AccountRecord target, FollowRecord request, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task UndoFollowAsync(AccountRecord follower, AccountRecord target, FollowRecord edge, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AcceptFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RejectFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task BlockAsync(AccountRecord blocker, AccountRecord target, BlockRecord block, bool undo, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LikeAsync(AccountRecord actor, StatusRecord status, bool undo, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task VoteAsync(AccountRecord voter, StatusRecord status, IReadOnlyList<string> optionTitles, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ProfileUpdatedAsync(AccountRecord account, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeliverStatusEventAsync(string statusEvent, StatusRecord status, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeliverStoredAsync(string activityId, string signerAccountId, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task FlagAsync(Moderation.ReportRecord report, AccountRecord target, IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken) => Task.CompletedTask;
}
