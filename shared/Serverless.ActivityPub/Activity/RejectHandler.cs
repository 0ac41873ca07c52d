using Serverless.Core.Accounts;
using Serverless.Core.Follows;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Reject</c> of one of our <c>Follow</c>s: the request, or the follow itself, is gone.</summary>
public sealed class RejectHandler(AccountService accounts, FollowService follows) : IActivityHandler
{
    public string Type => "Reject";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (await FollowReferences.LocalFollowerAsync(activity, accounts, cancellationToken) is { } follower)
        {
            await follows.ReceiveFollowEndedAsync(follower, activity.Actor, cancellationToken);
        }
    }
}
