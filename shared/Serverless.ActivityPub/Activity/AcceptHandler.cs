using Serverless.Core.Accounts;
using Serverless.Core.Follows;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Accept</c> of one of our <c>Follow</c>s: the follow request becomes a follow.</summary>
public sealed class AcceptHandler(AccountService accounts, FollowService follows) : IActivityHandler
{
    public string Type => "Accept";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (await FollowReferences.LocalFollowerAsync(activity, accounts, cancellationToken) is { } follower)
        {
            await follows.ReceiveAcceptAsync(follower, activity.Actor, cancellationToken);
        }
    }
}
