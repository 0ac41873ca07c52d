using Serverless.Core.Errors;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Delete</c> of a status by its author: it is tombstoned and taken off every timeline; of the actor itself: the account and what it left here go (<see cref="ActorDeletion"/>).</summary>
public sealed class DeleteHandler(StatusService statuses, ActorDeletion actors) : IActivityHandler
{
    public string Type => "Delete";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var objectId = activity.ObjectId ?? throw new ValidationFailedException("A Delete needs an object");
        if (objectId == activity.Actor.Uri)
        {
            await actors.DeleteAsync(activity, cancellationToken);
            return;
        }

        var status = await statuses.FindByUriAsync(objectId, cancellationToken);
        if (status is null || status.Local)
        {
            return;
        }

        if (status.AccountId != activity.Actor.Id)
        {
            throw new ForbiddenException("Only the author can delete a status");
        }

        await statuses.DeleteAsync(activity.Actor, status.Id, deleteMedia: true, cancellationToken);
    }
}
