using System.Text.Json.Nodes;
using Serverless.Core.Fanout;
using Serverless.Core.Filters;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Tags;

/// <summary>
/// The hashtag part of fan-out: a public status with hashtags reaches the home timelines of the
/// local accounts following them (as Mastodon's <c>deliver_to_hashtag_followers</c>), one message
/// per tag and one page of its followers per message; and a local author's featured tag counters
/// follow the posts, as does the tags' daily history (<see cref="TagHistory"/>). Deletes take the
/// status off the same home timelines.
/// </summary>
public sealed class TagFanout(IDocumentStore store, IWorkQueue queue, Streaming.IStreamingEvents? streaming = null, TimeProvider? time = null)
{
    private readonly TagHistory _history = new(store, time ?? TimeProvider.System);

    /// <summary>Puts a status on its tags' followers' home timelines (one page of one tag's followers).</summary>
    public const string Create = "tag-followers";

    /// <summary>Takes a deleted status off them again.</summary>
    public const string Delete = "tag-followers-delete";

    /// <summary>Tags of one status that fan-out follows (a status can carry many).</summary>
    public const int MaxTags = 20;

    public static bool Handles(string fanoutEvent) => fanoutEvent is Create or Delete;

    /// <summary>Called with the first fan-out message of a created or deleted status.</summary>
    public async Task StartAsync(StatusRecord status, bool removing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        await RecordFeaturedAsync(status, removing, cancellationToken);
        if (!removing)
        {
            // As Mastodon, a deleted status stays counted in the history.
            await _history.RecordAsync(status, cancellationToken);
        }

        if (status.Visibility != Visibility.Public || status.ReblogOfId is not null)
        {
            return;
        }

        foreach (var tag in status.Tags.Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Take(MaxTags))
        {
            await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(removing ? Delete : Create, status.Id) { Tag = tag }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    public async Task HandleAsync(FanoutMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Tag is not { Length: > 0 } tag)
        {
            return;
        }

        var removing = message.Event == Delete;
        var status = (await store.ReadAsync(Containers.Statuses, message.StatusId, message.StatusId, StoreJsonContext.Default.StatusRecord, cancellationToken))?.Value;
        if (!removing)
        {
            if (status is null || status.DeletedAt is not null)
            {
                return;
            }

            // Silenced authors reach only their followers, as Mastodon keeps them out of public fan-out.
            var author = await store.ReadAsync(Containers.Accounts, status.AccountId, status.AccountId, StoreJsonContext.Default.AccountRecord, cancellationToken);
            if (author?.Value is not { SilencedAt: null, SuspendedAt: null })
            {
                return;
            }
        }

        var page = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(TagFollowRecord.FollowersPartition(tag)) { Limit = TagService.FollowersPageSize, Descending = false, Continuation = message.FollowersContinuation },
            FiltersStoreJsonContext.Default.TagFollowRecord,
            cancellationToken);
        var entryId = SnowflakeIds.Sortable(message.StatusId);
        foreach (var follower in page.Items)
        {
            var home = TimelineKeys.Home(follower.Id);
            // Streamed only when new at home: a follower of the author already had it (and its update event).
            var stream = streaming is not null && status is not null
                && (removing || await store.ReadAsync(Containers.Timelines, home, entryId, StoreJsonContext.Default.TimelineEntry, cancellationToken) is null);
            if (removing)
            {
                await store.DeleteAsync(Containers.Timelines, home, entryId, ifMatch: null, cancellationToken);
            }
            else
            {
                await store.UpsertAsync(Containers.Timelines, home, entryId, new TimelineEntry(status!.Id, status.AccountId, null), StoreJsonContext.Default.TimelineEntry, ifMatch: null, cancellationToken);
            }

            if (stream)
            {
                await streaming!.TimelineAsync(removing ? Streaming.StreamEvents.Delete : Streaming.StreamEvents.Update, status!, home, cancellationToken);
            }
        }

        if (page.Continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, message with { FollowersContinuation = page.Continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    /// <summary>Keeps featured tag counters as a local account posts or deletes a public or unlisted status.</summary>
    private async Task RecordFeaturedAsync(StatusRecord status, bool removing, CancellationToken cancellationToken)
    {
        if (!status.Local || status.ReblogOfId is not null || status.Tags.Count == 0 || status.Visibility is not (Visibility.Public or Visibility.Unlisted))
        {
            return;
        }

        var page = await store.QueryAsync(Containers.UserData, new DocumentQuery(FeaturedTagRecord.Partition(status.AccountId)) { Limit = TagService.MaxFeaturedTags * 2, Descending = false }, FiltersStoreJsonContext.Default.FeaturedTagRecord, cancellationToken);
        foreach (var featured in page.Items)
        {
            if (!status.Tags.Contains(featured.Value.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            List<PatchOperation> operations = [PatchOperation.Increment("/statusesCount", removing ? -1 : 1)];
            if (!removing && (featured.Value.LastStatusAt is not { } last || last < status.CreatedAt))
            {
                operations.Add(PatchOperation.Set("/lastStatusAt", JsonValue.Create(status.CreatedAt)));
            }

            try
            {
                await store.PatchAsync(Containers.UserData, featured.PartitionKey, featured.Id, operations, ifMatch: null, cancellationToken);
            }
            catch (DocumentNotFoundException)
            {
                // Unfeatured meanwhile.
            }
        }
    }
}
