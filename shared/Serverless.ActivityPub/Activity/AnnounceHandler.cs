using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Json;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Announce</c>: a remote actor reblogs a status. Taken only when it concerns someone here (a local
/// status, or an actor with local followers), as Mastodon does; an unknown object is fetched from its
/// origin. The reblog is stored as a status of the actor whose id is the Announce's.
/// </summary>
public sealed class AnnounceHandler(NoteIngestor notes, StatusService statuses, InteractionService interactions, IDocumentStore store, TimeProvider time) : IActivityHandler
{
    public string Type => "Announce";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var announceId = activity.Id ?? throw new ValidationFailedException("An Announce needs an id");
        var objectId = activity.ObjectId ?? throw new ValidationFailedException("An Announce needs an object");
        if (!Ld.SameOrigin(announceId, activity.Actor.Uri))
        {
            throw new ForbiddenException("An Announce's id must be on the actor's server");
        }

        var original = await statuses.FindByUriAsync(objectId, cancellationToken);
        if (original is null || !original.Local)
        {
            if (!await HasLocalFollowersAsync(activity.Actor.Id, cancellationToken))
            {
                // Nobody here follows the actor and the status is not ours: not our business (nothing is fetched).
                return;
            }

            original ??= activity.EmbeddedObject is { } embedded && NoteIngestor.ObjectTypes.Contains(Ld.Type(embedded) ?? "")
                ? await notes.IngestAsync(embedded, activity.Actor, cancellationToken)
                : await notes.ResolveAsync(objectId, cancellationToken);
        }

        if (original is null)
        {
            throw new RecordNotFoundException();
        }

        if (original.ReblogOfId is not null)
        {
            // A reblog of a reblog is a reblog of the original.
            original = await statuses.GetAsync(original.ReblogOfId, cancellationToken) ?? throw new RecordNotFoundException();
        }

        var published = Ld.Date(activity.Json, "published") ?? time.GetUtcNow();
        await interactions.ReceiveReblogAsync(activity.Actor, original, announceId, VisibilityOf(activity), published, cancellationToken);
    }

    /// <summary>Mastodon's reading of an Announce's audience: Public in <c>to</c> is public, in <c>cc</c> unlisted; the followers collection, private.</summary>
    private static string VisibilityOf(InboundActivity activity)
    {
        var to = Ld.Ids(activity.Json, "to");
        var cc = Ld.Ids(activity.Json, "cc");
        static bool IsPublic(string id) => id is ActivityStreams.PublicCollection or "as:Public" or "Public";
        if (to.Any(IsPublic))
        {
            return Visibility.Public;
        }

        if (cc.Any(IsPublic))
        {
            return Visibility.Unlisted;
        }

        return activity.Actor.FollowersUrl is { } followers && to.Contains(followers) ? Visibility.Private : Visibility.Direct;
    }

    private async Task<bool> HasLocalFollowersAsync(string accountId, CancellationToken cancellationToken)
    {
        // A remote account's followers known here are local accounts only (remote-to-remote follows are not stored).
        var page = await store.QueryAsync(Containers.Follows, new DocumentQuery(FollowRecord.FollowersPartition(accountId)) { Limit = 1 }, StoreJsonContext.Default.FollowRecord, cancellationToken);
        return page.Items.Count > 0;
    }
}
