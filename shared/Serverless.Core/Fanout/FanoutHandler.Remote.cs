using System.Text.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Fanout;

/// <summary>
/// The remote half of fan-out: the distinct inboxes of a local status's audience (remote followers,
/// mentioned and replied-to or reblogged accounts), handed to the federation outbox page by page.
/// </summary>
public sealed partial class FanoutHandler
{
    /// <summary>
    /// Delivers a status event to remote inboxes. The first page adds the accounts the status names
    /// (mentions, the reblogged author); followers come one page per message. Updates page through
    /// followers with their own messages, since they write no timelines.
    /// </summary>
    private async Task DeliverRemoteAsync(FanoutMessage fanout, StatusRecord status, CancellationToken cancellationToken)
    {
        if (!status.Local)
        {
            return;
        }

        var inboxes = new HashSet<string>(StringComparer.Ordinal);
        if (fanout.FollowersContinuation is null)
        {
            var named = status.Mentions.Select(m => m.AccountId).ToList();
            if (status.ReblogOfId is { } reblogged && await store.ReadAsync(Containers.Statuses, reblogged, reblogged, StoreJsonContext.Default.StatusRecord, cancellationToken) is { } original)
            {
                named.Add(original.Value.AccountId);
            }

            if (status.InReplyToAccountId is { } repliedTo)
            {
                named.Add(repliedTo);
            }

            var accounts = await store.ReadManyAsync(Containers.Accounts, named.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList(), StoreJsonContext.Default.AccountRecord, cancellationToken);
            foreach (var account in accounts.Select(a => a.Value).Where(a => !a.IsLocal))
            {
                // Direct messages go to each recipient's own inbox, so that the shared inbox cannot widen them.
                var inbox = status.Visibility == Visibility.Direct ? account.InboxUrl ?? account.SharedInboxUrl : account.SharedInboxUrl ?? account.InboxUrl;
                if (inbox is not null)
                {
                    inboxes.Add(inbox);
                }
            }
        }

        string? continuation = null;
        if (status.Visibility != Visibility.Direct)
        {
            var page = await RemoteFollowerInboxesAsync(status.AccountId, fanout.FollowersContinuation, cancellationToken);
            inboxes.UnionWith(page.Inboxes);
            continuation = page.Continuation;
        }

        if (inboxes.Count > 0)
        {
            await outbox.DeliverStatusEventAsync(fanout.Event, status, inboxes, cancellationToken);
        }

        // Create and delete page through followers in their own loop (which re-enqueues); an update pages here.
        if (fanout.Event == FanoutEvents.Update && continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, fanout with { FollowersContinuation = continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    /// <summary>Delivers a stored activity to one page of an account's remote followers, re-enqueuing the next page.</summary>
    private async Task DistributeAsync(FanoutMessage fanout, CancellationToken cancellationToken)
    {
        if (fanout.ActivityId is not { } activityId || fanout.AccountId is not { } accountId)
        {
            throw new JsonException("A distribute message needs an activity and an account.");
        }

        var page = await RemoteFollowerInboxesAsync(accountId, fanout.FollowersContinuation, cancellationToken);
        if (page.Inboxes.Count > 0)
        {
            await outbox.DeliverStoredAsync(activityId, accountId, page.Inboxes, cancellationToken);
        }

        if (page.Continuation is not null)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, fanout with { FollowersContinuation = page.Continuation, Attempt = 0 }, StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
    }

    private async Task<(IReadOnlyCollection<string> Inboxes, string? Continuation)> RemoteFollowerInboxesAsync(string accountId, string? continuation, CancellationToken cancellationToken)
    {
        var followers = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(FollowRecord.FollowersPartition(accountId)) { Limit = FollowersPageSize, Descending = false, Continuation = continuation },
            StoreJsonContext.Default.FollowRecord,
            cancellationToken);
        var inboxes = followers.Items.Select(f => f.Value.InboxUrl).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (inboxes, followers.Continuation);
    }
}
