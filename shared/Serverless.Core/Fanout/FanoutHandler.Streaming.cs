using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Core.Timelines;

namespace Serverless.Core.Fanout;

/// <summary>
/// The streaming half of fan-out: every timeline write is announced live to the matching stream
/// group (<c>update</c>, or <c>delete</c> when taking a status off), and an edit re-announces the
/// status as <c>status.update</c> to the timelines it is on. What a stream shows is thus exactly
/// what the timelines show; per-viewer filtering (mutes, blocks, keyword filters) happens where
/// the stream is served.
/// </summary>
public sealed partial class FanoutHandler
{
    private Task StreamAsync(StatusRecord status, string timeline, bool removing, CancellationToken cancellationToken) =>
        streaming is null
            ? Task.CompletedTask
            : streaming.TimelineAsync(removing ? StreamEvents.Delete : StreamEvents.Update, status, timeline, cancellationToken);

    private Task StreamConversationAsync(StatusRecord status, IReadOnlyList<string> participants, CancellationToken cancellationToken) =>
        streaming is null ? Task.CompletedTask : streaming.ConversationAsync(status, participants, cancellationToken);

    /// <summary>
    /// Announces an edit as <c>status.update</c> to the timelines creation put the status on (they
    /// hold ids, so nothing is rewritten): the first message the author's, public, tag, following-mentioned and
    /// list timelines, each message one page of local followers. A local status's next page is
    /// enqueued by the remote delivery, which pages through the same followers with the same
    /// continuation; a remote status's here.
    /// </summary>
    private async Task StreamUpdateAsync(FanoutMessage fanout, StatusRecord status, CancellationToken cancellationToken)
    {
        if (streaming is null)
        {
            return;
        }

        var memberships = status.Visibility == Visibility.Direct ? [] : await ListMembershipsAsync(status.AccountId, cancellationToken);
        var exclusiveOwners = memberships.Where(m => m.Exclusive).Select(m => m.OwnerId).ToHashSet(StringComparer.Ordinal);
        if (fanout.FollowersContinuation is null)
        {
            var timelines = new List<string> { TimelineKeys.Home(status.AccountId) };
            if (status.Visibility == Visibility.Public && status.ReblogOfId is null)
            {
                timelines.Add(TimelineKeys.Public);
                timelines.Add(status.Local ? TimelineKeys.Local : TimelineKeys.Remote);
                timelines.AddRange(status.Tags.Select(TimelineKeys.Tag));
                if (status.Local)
                {
                    timelines.AddRange(status.Tags.Select(TimelineKeys.LocalTag));
                }
            }

            // Mentioned accounts have a direct message at home only when they follow its author (creation's rule).
            if (status.Visibility == Visibility.Direct)
            {
                foreach (var mention in status.Mentions.Where(m => !m.Acct.Contains('@', StringComparison.Ordinal) && m.AccountId != status.AccountId))
                {
                    if (await FollowsAsync(mention.AccountId, status.AccountId, cancellationToken))
                    {
                        timelines.Add(TimelineKeys.Home(mention.AccountId));
                    }
                }
            }
            foreach (var membership in memberships)
            {
                if (await BelongsOnListAsync(status, membership, cancellationToken))
                {
                    timelines.Add(TimelineKeys.List(membership.ListId));
                }
            }

            foreach (var timeline in timelines.Distinct(StringComparer.Ordinal))
            {
                await streaming.TimelineAsync(StreamEvents.StatusUpdate, status, timeline, cancellationToken);
            }
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
            if (edge.InboxUrl is null && !exclusiveOwners.Contains(edge.AccountId) && await BelongsAtHomeAsync(status, edge, cancellationToken))
            {
                await streaming.TimelineAsync(StreamEvents.StatusUpdate, status, TimelineKeys.Home(edge.AccountId), cancellationToken);
            }
        }

        if (!status.Local && followers.Continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, fanout with { FollowersContinuation = followers.Continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }
}
