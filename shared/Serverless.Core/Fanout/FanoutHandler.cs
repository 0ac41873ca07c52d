using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Fanout;

/// <summary>
/// The <c>fanout</c> queue: puts a new status on the timelines it belongs to. The first message
/// writes the author's own timelines and the public ones; followers are then processed one page
/// at a time, each page re-enqueuing the next, so no execution grows with the audience.
/// Every write is an upsert keyed by (timeline, status), so a redelivered message is harmless.
/// </summary>
public sealed partial class FanoutHandler(IDocumentStore store, IWorkQueue queue, ILogger<FanoutHandler> logger) : IQueueHandler
{
    /// <summary>Followers handled per message.</summary>
    public const int FollowersPageSize = 500;

    public string Queue => QueueNames.Fanout;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var fanout = JsonSerializer.Deserialize(message.Body, StoreJsonContext.Default.FanoutMessage)
            ?? throw new JsonException("Empty fanout message.");
        if (fanout.Event != FanoutEvents.Create)
        {
            LogUnknownEvent(logger, fanout.Event);
            return;
        }

        var doc = await store.ReadAsync(Containers.Statuses, fanout.StatusId, fanout.StatusId, StoreJsonContext.Default.StatusRecord, cancellationToken);
        if (doc?.Value is not { DeletedAt: null } status)
        {
            // Deleted before it was fanned out: nothing to do.
            return;
        }

        var entry = new TimelineEntry(status.Id, status.AccountId, status.ReblogOfId);
        var entryId = SnowflakeIds.Sortable(status.Id);

        if (fanout.FollowersContinuation is null)
        {
            await InsertAsync(TimelineKeys.Account(status.AccountId), entryId, entry, cancellationToken);
            await InsertAsync(TimelineKeys.Home(status.AccountId), entryId, entry, cancellationToken);
            if (status.Visibility == Visibility.Public && status.ReblogOfId is null)
            {
                await InsertAsync(TimelineKeys.Public, entryId, entry, cancellationToken);
                await InsertAsync(status.Local ? TimelineKeys.Local : TimelineKeys.Remote, entryId, entry, cancellationToken);
            }
        }

        if (status.Visibility == Visibility.Direct)
        {
            // Direct messages reach mentioned accounts only; mentions arrive with the client API work.
            return;
        }

        var followers = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(FollowRecord.FollowersPartition(status.AccountId)) { Limit = FollowersPageSize, Descending = false, Continuation = fanout.FollowersContinuation },
            StoreJsonContext.Default.FollowRecord,
            cancellationToken);

        foreach (var follower in followers.Items)
        {
            if (follower.Value.InboxUrl is null)
            {
                await InsertAsync(TimelineKeys.Home(follower.Value.AccountId), entryId, entry, cancellationToken);
            }
        }

        if (followers.Continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, fanout with { FollowersContinuation = followers.Continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    private Task<string> InsertAsync(string timeline, string entryId, TimelineEntry entry, CancellationToken cancellationToken) =>
        store.UpsertAsync(Containers.Timelines, timeline, entryId, entry, StoreJsonContext.Default.TimelineEntry, ifMatch: null, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring fanout event {Event}: not handled yet")]
    private static partial void LogUnknownEvent(ILogger logger, string @event);
}
