using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Lists;
using Serverless.Core.Notifications;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Fanout;

/// <summary>
/// The <c>fanout</c> queue: puts a new status on every timeline it belongs to, or takes a deleted
/// one off them. The first message handles the author's own timelines, the public and hashtag
/// timelines and lists; followers are then handled one page per message, each page re-enqueuing
/// the next, so no execution grows with the audience. Every write is an upsert or delete keyed by
/// (timeline, status), so a redelivered message is harmless.
/// </summary>
public sealed partial class FanoutHandler(IDocumentStore store, IWorkQueue queue, NotificationService notifications, Conversations.ConversationService conversations, Federation.IFederationOutbox outbox, ILogger<FanoutHandler> logger, Streaming.IStreamingEvents? streaming = null, TimeProvider? time = null) : IQueueHandler
{
    /// <summary>Followers handled per message.</summary>
    public const int FollowersPageSize = 500;

    /// <summary>Lists an author can be on that fan-out looks at (one page).</summary>
    public const int ListsPageSize = 1000;

    private readonly Tags.TagFanout _tags = new(store, queue, streaming, time);

    public string Queue => QueueNames.Fanout;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var fanout = JsonSerializer.Deserialize(message.Body, StoreJsonContext.Default.FanoutMessage)
            ?? throw new JsonException("Empty fanout message.");
        if (fanout.Event == FanoutEvents.Distribute)
        {
            await DistributeAsync(fanout, cancellationToken);
            return;
        }

        if (Tags.TagFanout.Handles(fanout.Event))
        {
            await _tags.HandleAsync(fanout, cancellationToken);
            return;
        }

        var removing = fanout.Event == FanoutEvents.Delete;
        var updating = fanout.Event == FanoutEvents.Update;
        if (!removing && !updating && fanout.Event != FanoutEvents.Create)
        {
            LogUnknownEvent(logger, fanout.Event);
            return;
        }

        var doc = await store.ReadAsync(Containers.Statuses, fanout.StatusId, fanout.StatusId, StoreJsonContext.Default.StatusRecord, cancellationToken);
        if (doc?.Value is not { } status || (!removing && status.DeletedAt is not null))
        {
            // Gone, or deleted before it was fanned out (the delete's own message cleans up).
            return;
        }

        if (updating)
        {
            await DeliverRemoteAsync(fanout, status, cancellationToken);
            await StreamUpdateAsync(fanout, status, cancellationToken);
            return;
        }

        var target = new Target(status, removing);
        var memberships = status.Visibility == Visibility.Direct ? [] : await ListMembershipsAsync(status.AccountId, cancellationToken);
        var exclusiveOwners = memberships.Where(m => m.Exclusive).Select(m => m.OwnerId).ToHashSet(StringComparer.Ordinal);

        if (fanout.FollowersContinuation is null)
        {
            await WriteAsync(target, TimelineKeys.Account(status.AccountId), cancellationToken);
            await WriteAsync(target, TimelineKeys.Home(status.AccountId), cancellationToken);
            if (status.Visibility == Visibility.Public && status.ReblogOfId is null)
            {
                await WriteAsync(target, TimelineKeys.Public, cancellationToken);
                await WriteAsync(target, status.Local ? TimelineKeys.Local : TimelineKeys.Remote, cancellationToken);
                foreach (var tag in status.Tags)
                {
                    await WriteAsync(target, TimelineKeys.Tag(tag), cancellationToken);
                    if (status.Local)
                    {
                        await WriteAsync(target, TimelineKeys.LocalTag(tag), cancellationToken);
                    }
                }
            }

            // Mentioned local accounts that follow the author see a direct message at home, as on Mastodon;
            // mentions from anyone else reach them as notifications and conversations, not in their feed.
            // (Followers get every other visibility at home through the followers pages below.)
            var localMentions = status.Mentions.Where(m => !m.Acct.Contains('@', StringComparison.Ordinal)).Select(m => m.AccountId).ToList();
            if (status.Visibility == Visibility.Direct)
            {
                foreach (var mentioned in localMentions.Where(m => m != status.AccountId))
                {
                    if (await FollowsAsync(mentioned, status.AccountId, cancellationToken))
                    {
                        await WriteAsync(target, TimelineKeys.Home(mentioned), cancellationToken);
                    }
                }
            }

            if (status.Visibility == Visibility.Direct && !removing)
            {
                await conversations.RecordAsync(status, [status.AccountId, .. localMentions], cancellationToken);
                await StreamConversationAsync(status, [status.AccountId, .. localMentions], cancellationToken);
            }

            foreach (var membership in memberships)
            {
                if (await BelongsOnListAsync(status, membership, cancellationToken))
                {
                    await WriteAsync(target, TimelineKeys.List(membership.ListId), cancellationToken);
                }
            }

            // Followers of its hashtags, and the author's featured tag counters.
            await _tags.StartAsync(status, removing, cancellationToken);
        }

        if (status.Local)
        {
            // Remote followers and mentioned accounts of a local status, page by page like the local ones.
            await DeliverRemoteAsync(fanout, status, cancellationToken);
        }

        if (status.Visibility == Visibility.Direct)
        {
            return;
        }

        var followers = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(FollowRecord.FollowersPartition(status.AccountId)) { Limit = FollowersPageSize, Descending = false, Continuation = fanout.FollowersContinuation },
            StoreJsonContext.Default.FollowRecord,
            cancellationToken);

        foreach (var edge in followers.Items.Select(f => f.Value))
        {
            // Remote followers are reached by delivery, which federation adds.
            if (edge.InboxUrl is not null || exclusiveOwners.Contains(edge.AccountId))
            {
                continue;
            }

            if (!removing && !await BelongsAtHomeAsync(status, edge, cancellationToken))
            {
                continue;
            }

            await WriteAsync(target, TimelineKeys.Home(edge.AccountId), cancellationToken);
            if (!removing && edge.Notify && status.ReblogOfId is null && status.InReplyToId is null)
            {
                await notifications.NotifyAsync(edge.AccountId, NotificationTypes.Status, status.AccountId, status.Id, cancellationToken);
            }
        }

        if (followers.Continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, fanout with { FollowersContinuation = followers.Continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    /// <summary>Home timelines show replies only to followers of both sides, and reblogs only where wanted.</summary>
    private async Task<bool> BelongsAtHomeAsync(StatusRecord status, FollowRecord edge, CancellationToken cancellationToken)
    {
        if (status.ReblogOfId is not null && !edge.ShowReblogs)
        {
            return false;
        }

        // A follow limited to some languages keeps other languages out of home (untagged statuses pass).
        if (edge.Languages is { Count: > 0 } languages && status.ReblogOfId is null && status.Language is { } language && !languages.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (status.InReplyToAccountId is { } repliedTo && repliedTo != status.AccountId && repliedTo != edge.AccountId)
        {
            return await FollowsAsync(edge.AccountId, repliedTo, cancellationToken);
        }

        return true;
    }

    /// <summary>Applies a list's replies policy: <c>none</c>, <c>list</c> (replies to members) or <c>followed</c> (replies to followed accounts).</summary>
    private async Task<bool> BelongsOnListAsync(StatusRecord status, ListMembershipRecord list, CancellationToken cancellationToken)
    {
        if (status.InReplyToAccountId is not { } repliedTo || repliedTo == status.AccountId || repliedTo == list.OwnerId)
        {
            return true;
        }

        return list.RepliesPolicy switch
        {
            "none" => false,
            "followed" => await FollowsAsync(list.OwnerId, repliedTo, cancellationToken),
            _ => await store.ReadAsync(Containers.Lists, ListRecord.MembersPartition(list.ListId), repliedTo, StoreJsonContext.Default.ListMembershipRecord, cancellationToken) is not null,
        };
    }

    private async Task<bool> FollowsAsync(string accountId, string targetId, CancellationToken cancellationToken) =>
        await store.ReadAsync(Containers.Follows, FollowRecord.FollowingPartition(accountId), targetId, StoreJsonContext.Default.FollowRecord, cancellationToken) is not null;

    private async Task<IReadOnlyList<ListMembershipRecord>> ListMembershipsAsync(string authorId, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(
            Containers.Lists,
            new DocumentQuery(ListRecord.ListedPartition(authorId)) { Limit = ListsPageSize, Descending = false },
            StoreJsonContext.Default.ListMembershipRecord,
            cancellationToken);
        return page.Items.Select(i => i.Value).ToList();
    }

    private async Task WriteAsync(Target target, string timeline, CancellationToken cancellationToken)
    {
        if (target.Removing)
        {
            await store.DeleteAsync(Containers.Timelines, timeline, target.EntryId, ifMatch: null, cancellationToken);
        }
        else
        {
            await store.UpsertAsync(Containers.Timelines, timeline, target.EntryId, target.Entry, StoreJsonContext.Default.TimelineEntry, ifMatch: null, cancellationToken);
        }

        await StreamAsync(target.Status, timeline, target.Removing, cancellationToken);
    }

    private sealed class Target(StatusRecord status, bool removing)
    {
        public bool Removing { get; } = removing;

        public StatusRecord Status { get; } = status;

        public string EntryId { get; } = SnowflakeIds.Sortable(status.Id);

        public TimelineEntry Entry { get; } = new(status.Id, status.AccountId, status.ReblogOfId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring fanout event {Event}: not handled")]
    private static partial void LogUnknownEvent(ILogger logger, string @event);
}
