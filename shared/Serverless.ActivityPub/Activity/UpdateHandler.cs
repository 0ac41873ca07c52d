using System.Text.Json.Nodes;
using Serverless.ActivityPub.Json;
using Serverless.ActivityPub.Resolver;
using Serverless.Core.Errors;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Update</c>, as Mastodon reads it: of the actor itself, its profile is saved again (name, bio,
/// fields, images, key); of a Note or Question by the actor, the status is edited with history (or,
/// when only a poll's tallies changed, the poll results are updated).
/// </summary>
public sealed class UpdateHandler(ActivityPubResolver resolver, NoteIngestor notes) : IActivityHandler
{
    public string Type => "Update";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var objectId = activity.ObjectId ?? throw new ValidationFailedException("An Update needs an object");
        if (!Ld.SameOrigin(objectId, activity.Actor.Uri))
        {
            throw new ForbiddenException("An Update may only change the actor's own objects");
        }

        if (objectId == activity.Actor.Uri)
        {
            await UpdateActorAsync(activity, cancellationToken);
            return;
        }

        // Only the object's own origin is trusted: a referenced object is fetched from there.
        var note = activity.EmbeddedObject ?? await resolver.FetchAsync(objectId, cancellationToken);
        if (note is not null && NoteIngestor.ObjectTypes.Contains(Ld.Type(note) ?? ""))
        {
            await notes.UpdateAsync(note, activity.Actor, cancellationToken);
        }
    }

    private async Task UpdateActorAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        // The signed, embedded document is the actor's word (its key signed it); a bare reference is fetched fresh.
        if (activity.EmbeddedObject is JsonObject actor && ActorMapper.IsActor(actor))
        {
            await resolver.SaveActorAsync(actor, cancellationToken);
            return;
        }

        await resolver.ResolveActorAsync(activity.Actor.Uri, refresh: true, cancellationToken);
    }
}
