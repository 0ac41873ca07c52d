using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Polls;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Scheduling;

/// <summary>
/// Does what has fallen due: publishes scheduled statuses and announces the end of polls. Hosts
/// call <see cref="PublishDueAsync"/> on a timer (a background loop in the standalone host, a
/// timer-triggered function on Azure); running it twice at once, or again after a crash, is safe:
/// a scheduled status is posted with its own idempotency key, so it is published once.
/// </summary>
public sealed partial class ScheduledStatusPublisher(
    IDocumentStore store,
    DueIndex due,
    StatusService statuses,
    AccountService accounts,
    VoteService votes,
    ILogger<ScheduledStatusPublisher> logger)
{
    /// <summary>Entries read per round; a run goes on for a few rounds while more are due.</summary>
    public const int BatchSize = 100;

    private const int MaxRounds = 10;

    /// <summary>Handles everything due at or before <paramref name="now"/>; returns how many entries were handled.</summary>
    public async Task<int> PublishDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var handled = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var entries = await due.DueAsync(now, BatchSize, cancellationToken);
            var done = 0;
            foreach (var entry in entries)
            {
                try
                {
                    if (entry.Kind == DueKinds.ScheduledStatus)
                    {
                        await PublishAsync(entry, cancellationToken);
                    }
                    else if (entry.Kind == DueKinds.PollEnd)
                    {
                        await votes.NotifyEndedAsync(entry, cancellationToken);
                    }

                    await due.RemoveAsync(entry, cancellationToken);
                    done++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Left in the index for the next run.
                    LogFailed(logger, ex, entry.Kind, entry.TargetId);
                }
            }

            handled += done;
            if (entries.Count < BatchSize || done == 0)
            {
                break;
            }
        }

        return handled;
    }

    private async Task PublishAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var key = SnowflakeIds.Sortable(entry.TargetId);
        var record = (await store.ReadAsync(Containers.Scheduled, entry.AccountId, key, StoreJsonContext.Default.ScheduledStatusRecord, cancellationToken))?.Value;
        if (record is null || record.ScheduledAt != entry.DueAt)
        {
            // Cancelled, or rescheduled (its new entry will come).
            return;
        }

        var account = await accounts.GetAsync(record.AccountId, cancellationToken);
        var user = account is null ? null : await accounts.GetUserAsync(account.Id, cancellationToken);
        if (account is not null && user is not null)
        {
            try
            {
                var status = await statuses.CreateAsync(
                    account,
                    user,
                    new StatusService.NewStatus(record.Text, record.Visibility, record.Sensitive, record.SpoilerText, record.Language, record.InReplyToId, record.PublishKey, record.ApplicationName, record.ApplicationWebsite)
                    {
                        MediaIds = record.MediaIds,
                        Poll = record.Poll,
                    },
                    cancellationToken);
                LogPublished(logger, record.Id, status.Id);
            }
            catch (DomainException ex)
            {
                // What can no longer be posted (a reply whose parent went, media used elsewhere) is dropped, as Mastodon drops it.
                LogDropped(logger, ex, record.Id);
            }
        }

        await store.DeleteAsync(Containers.Scheduled, record.AccountId, key, ifMatch: null, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published scheduled status {ScheduledStatusId} as {StatusId}")]
    private static partial void LogPublished(ILogger logger, string scheduledStatusId, string statusId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped scheduled status {ScheduledStatusId}: it can no longer be posted")]
    private static partial void LogDropped(ILogger logger, Exception exception, string scheduledStatusId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Due {Kind} {TargetId} failed; it will be tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, string targetId);
}
