using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Follow</c>: a remote actor follows a local account; accepted at once unless the account is locked (then a follow request).</summary>
public sealed class FollowHandler(AccountService accounts, FollowService follows) : IActivityHandler
{
    public string Type => "Follow";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var target = activity.ObjectId is { } objectId ? await accounts.FindByUriAsync(objectId, cancellationToken) : null;
        if (target is not { IsLocal: true })
        {
            throw new RecordNotFoundException();
        }

        var followId = activity.Id ?? throw new ValidationFailedException("A Follow needs an id to be accepted");
        await follows.ReceiveFollowAsync(activity.Actor, target, followId, cancellationToken);
    }
}
