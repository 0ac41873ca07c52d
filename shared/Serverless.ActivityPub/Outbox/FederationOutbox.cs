using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Fanout;
using Serverless.Core.Federation;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Outbox;

/// <summary>
/// Renders what local accounts do as ActivityPub activities, stores each once (its id is derived
/// from what it describes, so a repeat is the same activity) and enqueues one <c>deliver</c> message
/// per inbox, guarded by a marker so that an inbox shared by several followers receives it once.
/// </summary>
public sealed partial class FederationOutbox(
    IDocumentStore store,
    IWorkQueue queue,
    StatusObjects objects,
    LocalUrls urls,
    DeliveryOptions options,
    TimeProvider time,
    ILogger<FederationOutbox> logger,
    Core.Interactions.InteractionStore interactions) : IFederationOutbox
{
    /// <summary>Remote voters sent a poll's counts, at most (the first page of its voter listing).</summary>
    public const int MaxPollVoters = 1000;

    public Task FollowAsync(AccountRecord follower, AccountRecord target, FollowRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(follower.Id, Follow(follower, target, request), [InboxOf(target)], cancellationToken);
    }

    public Task UndoFollowAsync(AccountRecord follower, AccountRecord target, FollowRecord edge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(edge);
        var follow = Follow(follower, target, edge);
        var undo = new JsonObject
        {
            ["id"] = $"{follow["id"]!.GetValue<string>()}/undo",
            ["type"] = "Undo",
            ["actor"] = follower.Uri,
            ["object"] = follow,
        };
        return SendAsync(follower.Id, undo, [InboxOf(target)], cancellationToken);
    }

    public Task AcceptFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken) =>
        AnswerFollowAsync("Accept", target, follower, edge, cancellationToken);

    public Task RejectFollowAsync(AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken) =>
        AnswerFollowAsync("Reject", target, follower, edge, cancellationToken);

    public Task BlockAsync(AccountRecord blocker, AccountRecord target, BlockRecord block, bool undo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(block);
        var activity = new JsonObject
        {
            ["id"] = block.Uri ?? $"{blocker.Uri}#blocks/{block.Id}",
            ["type"] = "Block",
            ["actor"] = blocker.Uri,
            ["object"] = target.Uri,
        };
        if (undo)
        {
            activity = new JsonObject
            {
                ["id"] = $"{activity["id"]!.GetValue<string>()}/undo",
                ["type"] = "Undo",
                ["actor"] = blocker.Uri,
                ["object"] = activity,
            };
        }

        return SendAsync(blocker.Id, activity, [InboxOf(target)], cancellationToken);
    }

    public async Task LikeAsync(AccountRecord actor, StatusRecord status, bool undo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(status);
        if (await AuthorAsync(status, cancellationToken) is not { IsLocal: false } author)
        {
            return;
        }

        // Peers match an Undo to its Like by actor and object, so each Like may have its own id (and a re-like is not a duplicate).
        var stamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        var like = new JsonObject
        {
            ["id"] = $"{actor.Uri}#likes/{status.Id}/{stamp}",
            ["type"] = "Like",
            ["actor"] = actor.Uri,
            ["object"] = status.Uri,
        };
        JsonObject activity = undo
            ? new JsonObject { ["id"] = $"{actor.Uri}#likes/{status.Id}/{stamp}/undo", ["type"] = "Undo", ["actor"] = actor.Uri, ["object"] = like }
            : like;
        await SendAsync(actor.Id, activity, [InboxOf(author)], cancellationToken);
    }

    public async Task VoteAsync(AccountRecord voter, StatusRecord status, IReadOnlyList<string> optionTitles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(voter);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(optionTitles);
        if (await AuthorAsync(status, cancellationToken) is not { IsLocal: false } author)
        {
            return;
        }

        // Mastodon's shape: one Create of a Note named after the option, addressed to the poll's author.
        for (var i = 0; i < optionTitles.Count; i++)
        {
            var id = $"{voter.Uri}#votes/{status.PollId}/{i}";
            var note = new JsonObject
            {
                ["id"] = id,
                ["type"] = "Note",
                ["name"] = optionTitles[i],
                ["attributedTo"] = voter.Uri,
                ["to"] = author.Uri,
                ["inReplyTo"] = status.Uri,
            };
            var create = new JsonObject { ["id"] = id + "/activity", ["type"] = "Create", ["actor"] = voter.Uri, ["to"] = author.Uri, ["object"] = note };
            await SendAsync(voter.Id, create, [InboxOf(author)], cancellationToken);
        }
    }

    public async Task PollTalliedAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.Local || status.PollId is not { } pollId || status.DeletedAt is not null || await AuthorAsync(status, cancellationToken) is not { } author)
        {
            return;
        }

        // Each vote stores the counts again under its window's activity; the window's first vote
        // schedules the delivery for the window's end, which then sends the latest counts.
        var now = time.GetUtcNow();
        var window = Math.Max(1, options.PollUpdateDelay.Ticks);
        var due = new DateTimeOffset(((now.UtcTicks / window) + 1) * window, TimeSpan.Zero);
        var question = await objects.NoteAsync(status, cancellationToken);
        var update = new JsonObject
        {
            ["id"] = $"{status.Uri}#updates/poll/{due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
            ["type"] = "Update",
            ["actor"] = author.Uri,
            ["published"] = JsonLd.Timestamp(now),
            ["to"] = question["to"]?.DeepClone(),
            ["cc"] = question["cc"]?.DeepClone(),
            ["object"] = question,
        };
        var key = await StoreAsync(author.Id, update, cancellationToken);
        const string Scheduled = "scheduled";
        try
        {
            await store.CreateAsync(Containers.Activities, key, Scheduled, new DeliveryMarker("", now, now + Retention), FederationJsonContext.Default.DeliveryMarker, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            return;
        }

        try
        {
            var delay = due - now;
            var voters = await interactions.PageAsync(Core.Interactions.InteractionListings.PollVoters(pollId), new Core.Timelines.PageRequest(null, null, null, MaxPollVoters), cancellationToken);
            var accounts = await store.ReadManyAsync(Containers.Accounts, voters.Select(v => new DocumentKey(v.Entry.AccountId, v.Entry.AccountId)).Distinct().ToList(), StoreJsonContext.Default.AccountRecord, cancellationToken);
            var inboxes = accounts.Select(a => a.Value).Where(a => !a.IsLocal).Select(a => a.SharedInboxUrl ?? a.InboxUrl).OfType<string>().ToList();
            await EnqueueAsync(key, inboxes, cancellationToken, delay);
            if (status.Visibility != Visibility.Direct)
            {
                await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Distribute, "", ActivityId: key, AccountId: author.Id), StoreJsonContext.Default.FanoutMessage, delay, cancellationToken);
            }
        }
        catch
        {
            // A later vote schedules the window again.
            await store.DeleteAsync(Containers.Activities, key, Scheduled, ifMatch: null, CancellationToken.None);
            throw;
        }
    }

    public async Task ProfileUpdatedAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var actor = ActorDocument.Build(account, urls);
        actor.Remove("@context");
        var update = new JsonObject
        {
            ["id"] = $"{account.Uri}#updates/{time.GetUtcNow().ToUnixTimeMilliseconds()}",
            ["type"] = "Update",
            ["actor"] = account.Uri,
            ["to"] = new JsonArray(ActivityStreams.PublicCollection),
            ["object"] = actor,
        };
        var key = await StoreAsync(account.Id, update, cancellationToken);
        await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Distribute, "", ActivityId: key, AccountId: account.Id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
    }

    public async Task DeliverStatusEventAsync(string statusEvent, StatusRecord status, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(inboxes);
        var activityId = ActivityIdFor(statusEvent, status);
        var key = KeyOf(activityId);
        if (await store.ReadAsync(Containers.Activities, key, key, FederationJsonContext.Default.OutboundActivityRecord, cancellationToken) is null)
        {
            // Rendered once per event: later pages of the same fan-out find it stored.
            var activity = await RenderStatusEventAsync(statusEvent, status, activityId, cancellationToken);
            if (activity is null)
            {
                return;
            }

            await StoreAsync(status.AccountId, activity, cancellationToken);
        }

        await EnqueueAsync(key, inboxes, cancellationToken);
    }

    public Task DeliverStoredAsync(string activityId, string signerAccountId, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken) =>
        EnqueueAsync(activityId, inboxes, cancellationToken);

    public Task FlagAsync(Core.Moderation.ReportRecord report, AccountRecord target, IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(statuses);
        if (target.IsLocal)
        {
            return Task.CompletedTask;
        }

        // As Mastodon: the instance actor reports, so the reporter stays anonymous to the other server.
        var objects = new JsonArray(target.Uri);
        foreach (var status in statuses)
        {
            objects.Add(status.Uri);
        }

        var flag = new JsonObject
        {
            ["id"] = $"{urls.Base}/actor#flags/{report.Id}",
            ["type"] = "Flag",
            ["actor"] = urls.Base + "/actor",
            ["content"] = report.Comment,
            ["object"] = objects,
        };
        return SendAsync(null, flag, [InboxOf(target)], cancellationToken);
    }

    /// <summary>The key of a stored outbound activity.</summary>
    public static string KeyOf(string activityId) => "out:" + LookupKeys.Uri(activityId)[4..];

    private string ActivityIdFor(string statusEvent, StatusRecord status) => statusEvent switch
    {
        FanoutEvents.Delete when status.ReblogOfId is not null => AnnounceId(status) + "/undo",
        FanoutEvents.Delete => status.Uri + "#delete",
        FanoutEvents.Update => status.Uri + "#updates/" + (status.EditedAt ?? time.GetUtcNow()).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        _ when status.ReblogOfId is not null => AnnounceId(status),
        _ => status.Uri + "/activity",
    };

    private static string AnnounceId(StatusRecord reblog) =>
        reblog.Uri.EndsWith("/activity", StringComparison.Ordinal) ? reblog.Uri : reblog.Uri + "/activity";

    private async Task<JsonObject?> RenderStatusEventAsync(string statusEvent, StatusRecord status, string activityId, CancellationToken cancellationToken)
    {
        var author = await AuthorAsync(status, cancellationToken);
        if (author is null)
        {
            return null;
        }

        switch (statusEvent)
        {
            case FanoutEvents.Delete when status.ReblogOfId is not null:
                var announce = await objects.AnnounceAsync(status with { DeletedAt = null }, cancellationToken);
                return new JsonObject { ["id"] = activityId, ["type"] = "Undo", ["actor"] = author.Uri, ["to"] = announce["to"]?.DeepClone(), ["cc"] = announce["cc"]?.DeepClone(), ["object"] = announce };
            case FanoutEvents.Delete:
                return new JsonObject
                {
                    ["id"] = activityId,
                    ["type"] = "Delete",
                    ["actor"] = author.Uri,
                    ["to"] = new JsonArray(ActivityStreams.PublicCollection),
                    ["object"] = objects.Tombstone(status),
                };
            case FanoutEvents.Update:
                var note = await objects.NoteAsync(status, cancellationToken);
                return new JsonObject
                {
                    ["id"] = activityId,
                    ["type"] = "Update",
                    ["actor"] = author.Uri,
                    ["published"] = JsonLd.Timestamp(status.EditedAt ?? time.GetUtcNow()),
                    ["to"] = note["to"]?.DeepClone(),
                    ["cc"] = note["cc"]?.DeepClone(),
                    ["object"] = note,
                };
            case FanoutEvents.Create when status.ReblogOfId is not null:
                var reblog = await objects.AnnounceAsync(status, cancellationToken);
                reblog["id"] = activityId;
                return reblog;
            default:
                var create = await objects.CreateAsync(status, cancellationToken);
                create["id"] = activityId;
                return create;
        }
    }

    private Task AnswerFollowAsync(string type, AccountRecord target, AccountRecord follower, FollowRecord edge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(follower);
        ArgumentNullException.ThrowIfNull(edge);
        var follow = new JsonObject
        {
            ["id"] = edge.ActivityUri,
            ["type"] = "Follow",
            ["actor"] = follower.Uri,
            ["object"] = target.Uri,
        };
        var answer = new JsonObject
        {
            ["id"] = $"{target.Uri}#{type.ToLowerInvariant()}s/follows/{edge.Id ?? follower.Id}/{time.GetUtcNow().ToUnixTimeMilliseconds()}",
            ["type"] = type,
            ["actor"] = target.Uri,
            ["object"] = follow,
        };
        return SendAsync(target.Id, answer, [InboxOf(follower)], cancellationToken);
    }

    private static JsonObject Follow(AccountRecord follower, AccountRecord target, FollowRecord edge) => new()
    {
        ["id"] = edge.ActivityUri ?? $"{follower.Uri}#follows/{edge.Id}",
        ["type"] = "Follow",
        ["actor"] = follower.Uri,
        ["object"] = target.Uri,
    };

    /// <summary>Targeted activities go to the account's own inbox (Mastodon does the same), falling back to the shared one.</summary>
    private static string? InboxOf(AccountRecord account) => account.InboxUrl ?? account.SharedInboxUrl;

    private async Task<AccountRecord?> AuthorAsync(StatusRecord status, CancellationToken cancellationToken) =>
        (await store.ReadAsync(Containers.Accounts, status.AccountId, status.AccountId, StoreJsonContext.Default.AccountRecord, cancellationToken))?.Value;

    private async Task SendAsync(string? signerAccountId, JsonObject activity, IReadOnlyCollection<string?> inboxes, CancellationToken cancellationToken)
    {
        var targets = inboxes.OfType<string>().ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var key = await StoreAsync(signerAccountId, activity, cancellationToken);
        await EnqueueAsync(key, targets, cancellationToken);
    }

    private async Task<string> StoreAsync(string? signerAccountId, JsonObject activity, CancellationToken cancellationToken)
    {
        var activityId = activity["id"]!.GetValue<string>();
        var key = KeyOf(activityId);
        var now = time.GetUtcNow();
        var record = new OutboundActivityRecord
        {
            Id = key,
            ActivityId = activityId,
            SignerAccountId = signerAccountId,
            Json = JsonLd.Serialize(JsonLd.WithContext(activity)),
            CreatedAt = now,
            ExpiresAt = now + Retention,
        };
        await store.UpsertAsync(Containers.Activities, key, key, record, FederationJsonContext.Default.OutboundActivityRecord, ifMatch: null, cancellationToken);
        return key;
    }

    private async Task EnqueueAsync(string key, IReadOnlyCollection<string> inboxes, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        var now = time.GetUtcNow();
        foreach (var inbox in inboxes.Distinct(StringComparer.Ordinal))
        {
            var markerId = "to:" + LookupKeys.Uri(inbox)[4..];
            try
            {
                await store.CreateAsync(Containers.Activities, key, markerId, new DeliveryMarker(inbox, now, now + Retention), FederationJsonContext.Default.DeliveryMarker, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                continue;
            }

            try
            {
                await queue.SendJsonAsync(QueueNames.Deliver, new DeliverMessage(key, inbox), FederationJsonContext.Default.DeliverMessage, delay, cancellationToken);
            }
            catch
            {
                await store.DeleteAsync(Containers.Activities, key, markerId, ifMatch: null, CancellationToken.None);
                throw;
            }

            LogQueued(logger, key, inbox);
        }
    }

    /// <summary>Kept until the last retry could have run (the default schedule spans about a week).</summary>
    private TimeSpan Retention => TimeSpan.FromDays(1) + (options.MaxRetryDelay * options.MaxAttempts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued {Key} for {Inbox}")]
    private static partial void LogQueued(ILogger logger, string key, string inbox);
}
