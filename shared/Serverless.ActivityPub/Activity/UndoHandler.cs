using System.Text.Json.Nodes;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Interactions;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Undo</c>: takes back a Follow, a Like, an Announce or a Block of the same actor. As Mastodon, an
/// embedded activity is matched by actor and object; one named only by its id is matched by that id
/// where it was kept (a reblog's id is the Announce's; Likes and Blocks are remembered by id).
/// </summary>
public sealed class UndoHandler(
    AccountService accounts,
    FollowService follows,
    StatusService statuses,
    InteractionService interactions,
    ActivityReferences references) : IActivityHandler
{
    public string Type => "Undo";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var undone = activity.EmbeddedObject;
        if (undone is null)
        {
            if (activity.ObjectId is { } undoneId)
            {
                await UndoByIdAsync(activity, undoneId, cancellationToken);
            }

            return;
        }

        if (Ld.Id(undone, "actor") is { } actor && actor != activity.Actor.Uri)
        {
            // Only an actor's own activities can be undone.
            return;
        }

        switch (Ld.Type(undone))
        {
            case "Follow":
                await UndoFollowAsync(activity, undone, cancellationToken);
                break;
            case "Like":
                await UndoLikeAsync(activity, undone, cancellationToken);
                break;
            case "Announce":
                await UndoAnnounceAsync(activity, undone, cancellationToken);
                break;
            case "Block":
                await UndoBlockAsync(activity, undone, cancellationToken);
                break;
            default:
                break;
        }
    }

    private async Task UndoFollowAsync(InboundActivity activity, JsonObject follow, CancellationToken cancellationToken)
    {
        if (Ld.Id(follow, "object") is { } targetUri && await accounts.FindByUriAsync(targetUri, cancellationToken) is { IsLocal: true } target)
        {
            await follows.ReceiveFollowEndedAsync(activity.Actor, target, cancellationToken);
        }
    }

    private async Task UndoLikeAsync(InboundActivity activity, JsonObject like, CancellationToken cancellationToken)
    {
        var status = Ld.Id(like, "object") is { } objectUri ? await statuses.FindByUriAsync(objectUri, cancellationToken) : null;
        if (status is { Local: true })
        {
            await interactions.ReceiveUnfavouriteAsync(activity.Actor, status, cancellationToken);
            if (Ld.String(like, "id") is { } likeId)
            {
                await references.ForgetAsync(likeId, cancellationToken);
            }

            return;
        }

        if (Ld.String(like, "id") is { } id)
        {
            await UndoByIdAsync(activity, id, cancellationToken);
        }
    }

    private async Task UndoAnnounceAsync(InboundActivity activity, JsonObject announce, CancellationToken cancellationToken)
    {
        // By the Announce's id (or its atomUri, as Mastodon also tries), which is the reblog's.
        foreach (var id in new[] { Ld.String(announce, "id"), Ld.String(announce, "atomUri") }.OfType<string>())
        {
            if (await ReblogAsync(activity, id, cancellationToken) is { } reblog)
            {
                await DeleteReblogAsync(activity, reblog, cancellationToken);
                return;
            }
        }

        // By actor and object.
        if (Ld.Id(announce, "object") is { } objectUri
            && await statuses.FindByUriAsync(objectUri, cancellationToken) is { } original
            && await interactions.FindReblogAsync(activity.Actor, original, cancellationToken) is { } found)
        {
            await DeleteReblogAsync(activity, found, cancellationToken);
        }
    }

    private async Task UndoBlockAsync(InboundActivity activity, JsonObject block, CancellationToken cancellationToken)
    {
        if (Ld.Id(block, "object") is { } targetUri && await accounts.FindByUriAsync(targetUri, cancellationToken) is { IsLocal: true } target)
        {
            await follows.ReceiveUnblockAsync(activity.Actor, target, cancellationToken);
            if (Ld.String(block, "id") is { } blockId)
            {
                await references.ForgetAsync(blockId, cancellationToken);
            }

            return;
        }

        if (Ld.String(block, "id") is { } id)
        {
            await UndoByIdAsync(activity, id, cancellationToken);
        }
    }

    /// <summary>An undone activity known only by its id: a reblog (whose id it is), or a remembered Like or Block.</summary>
    private async Task UndoByIdAsync(InboundActivity activity, string id, CancellationToken cancellationToken)
    {
        if (await ReblogAsync(activity, id, cancellationToken) is { } reblog)
        {
            await DeleteReblogAsync(activity, reblog, cancellationToken);
            return;
        }

        switch (await references.FindAsync(id, cancellationToken))
        {
            case (ActivityReferences.Favourite, var statusId):
                if (await statuses.GetAsync(statusId, cancellationToken) is { } status)
                {
                    await interactions.ReceiveUnfavouriteAsync(activity.Actor, status, cancellationToken);
                }

                await references.ForgetAsync(id, cancellationToken);
                break;
            case (ActivityReferences.Block, var accountId):
                if (await accounts.GetAsync(accountId, cancellationToken) is { IsLocal: true } target)
                {
                    await follows.ReceiveUnblockAsync(activity.Actor, target, cancellationToken);
                }

                await references.ForgetAsync(id, cancellationToken);
                break;
            default:
                break;
        }
    }

    private async Task<StatusRecord?> ReblogAsync(InboundActivity activity, string id, CancellationToken cancellationToken) =>
        await statuses.FindByUriAsync(id, cancellationToken) is { ReblogOfId: not null } reblog && reblog.AccountId == activity.Actor.Id ? reblog : null;

    private async Task DeleteReblogAsync(InboundActivity activity, StatusRecord reblog, CancellationToken cancellationToken)
    {
        try
        {
            await statuses.DeleteAsync(activity.Actor, reblog.Id, deleteMedia: true, cancellationToken);
        }
        catch (RecordNotFoundException)
        {
            // Undone already.
        }
    }
}
