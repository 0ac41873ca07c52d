using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Json;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// Lets a handler whose work grows with an account's size (an actor's <c>Delete</c>, a <c>Move</c>) do a
/// bounded step per message: the rest is queued on <c>ingest</c> again as a copy of the activity that
/// carries where to resume (<see cref="Property"/>). The property only ever positions the work within the
/// sending actor's own data, so a value a peer put there itself can do no harm beyond its own account.
/// </summary>
public sealed class ActivityContinuations(IDocumentStore store, IWorkQueue queue, TimeProvider time)
{
    public const string Property = "serverless:continuation";

    /// <summary>Where this step resumes, or null for the first step.</summary>
    public static string? Of(InboundActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return Ld.String(activity.Json, Property);
    }

    /// <summary>Queues the next step; a step queued before (a redelivered message) is not queued twice.</summary>
    public async Task ContinueAsync(InboundActivity activity, string continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(continuation);
        var json = activity.Json.DeepClone().AsObject();
        json[Property] = continuation;
        var activityId = activity.Id ?? activity.Actor.Uri;
        var key = "in:" + LookupKeys.Uri(activityId + " " + continuation)[4..];
        var now = time.GetUtcNow();
        var record = new InboundActivityRecord
        {
            Id = key,
            ActivityId = activityId,
            Type = activity.Type,
            ActorAccountId = activity.Actor.Id,
            InboxAccountId = activity.InboxAccountId,
            Json = json.ToJsonString(),
            ReceivedAt = now,
            ExpiresAt = now + InboxProcessor.RememberFor,
        };
        try
        {
            await store.CreateAsync(Containers.Activities, key, key, record, FederationJsonContext.Default.InboundActivityRecord, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            return;
        }

        try
        {
            await queue.SendJsonAsync(QueueNames.Ingest, new IngestMessage(key), FederationJsonContext.Default.IngestMessage, cancellationToken);
        }
        catch
        {
            // Not queued means not stored, so that the retry of this step queues it again.
            await store.DeleteAsync(Containers.Activities, key, key, ifMatch: null, CancellationToken.None);
            throw;
        }
    }
}
