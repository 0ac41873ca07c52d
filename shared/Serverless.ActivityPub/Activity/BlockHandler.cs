using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Block</c>: a remote account blocks a local one; follows both ways end (nothing is sent back) and the block is recorded.</summary>
public sealed class BlockHandler(AccountService accounts, FollowService follows, ActivityReferences references) : IActivityHandler
{
    public string Type => "Block";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var objectId = activity.ObjectId ?? throw new ValidationFailedException("A Block needs an object");
        if (await accounts.FindByUriAsync(objectId, cancellationToken) is not { IsLocal: true } target)
        {
            return;
        }

        await follows.ReceiveBlockAsync(activity.Actor, target, activity.Id, cancellationToken);
        await references.RememberAsync(activity.Id, ActivityReferences.Block, target.Id, cancellationToken);
    }
}
