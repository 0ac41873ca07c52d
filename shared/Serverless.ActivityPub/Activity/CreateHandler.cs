using Serverless.ActivityPub.Json;
using Serverless.Core.Errors;

namespace Serverless.ActivityPub.Activity;

/// <summary><c>Create</c> of a Note, Question, Article or Page by its author: stored, threaded, fanned out.</summary>
public sealed class CreateHandler(NoteIngestor notes, PollVoteReceiver votes) : IActivityHandler
{
    public string Type => "Create";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.EmbeddedObject is { } embedded)
        {
            if (Ld.Id(embedded, "attributedTo") is { } author && author != activity.Actor.Uri)
            {
                throw new ForbiddenException("A Create must be by the object's author");
            }

            // A Note named after an option of a local poll, in reply to it, is a vote.
            if (await votes.TryReceiveAsync(embedded, activity.Actor, cancellationToken))
            {
                return;
            }

            await notes.IngestAsync(embedded, activity.Actor, cancellationToken);
            return;
        }

        if (activity.ObjectId is { } uri && Ld.SameOrigin(uri, activity.Actor.Uri))
        {
            await notes.ResolveAsync(uri, cancellationToken);
        }
    }
}
