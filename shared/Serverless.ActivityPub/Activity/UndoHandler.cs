using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Undo</c>: takes back a Follow (and, as they are built, a Like, an Announce or a Block) of the same actor.</summary>
public sealed class UndoHandler(AccountService accounts, FollowService follows) : IActivityHandler
{
    public string Type => "Undo";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var undone = activity.EmbeddedObject;
        if (undone is null || Ld.Id(undone, "actor") is { } actor && actor != activity.Actor.Uri)
        {
            // Only an actor's own activities can be undone, and only embedded ones can be matched here.
            return;
        }

        switch (Ld.Type(undone))
        {
            case "Follow":
                await UndoFollowAsync(activity, undone, cancellationToken);
                break;
            default:
                break;
        }
    }

    private async Task UndoFollowAsync(InboundActivity activity, System.Text.Json.Nodes.JsonObject follow, CancellationToken cancellationToken)
    {
        if (Ld.Id(follow, "object") is { } targetUri && await accounts.FindByUriAsync(targetUri, cancellationToken) is { IsLocal: true } target)
        {
            await follows.ReceiveFollowEndedAsync(activity.Actor, target, cancellationToken);
        }
    }
}
