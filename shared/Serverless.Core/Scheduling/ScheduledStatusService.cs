using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Security;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Scheduling;

/// <summary>
/// Statuses scheduled for later (<c>scheduled_at</c>): checked now as if posted, stored in the
/// account's partition of the <c>scheduled</c> container, and entered in the <see cref="DueIndex"/>
/// that <see cref="ScheduledStatusPublisher"/> reads.
/// </summary>
public sealed class ScheduledStatusService(IDocumentStore store, StatusService statuses, DueIndex due, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>Mastodon's minimum lead time: a status cannot be scheduled sooner than this.</summary>
    public static readonly TimeSpan MinimumLead = TimeSpan.FromMinutes(5);

    /// <summary>True when <paramref name="scheduledAt"/> asks for later publishing; Mastodon posts at once when the time has passed.</summary>
    public bool IsInFuture(DateTimeOffset scheduledAt) => scheduledAt > time.GetUtcNow();

    public async Task<ScheduledStatusRecord> ScheduleAsync(AccountRecord author, UserRecord user, StatusService.NewStatus request, DateTimeOffset scheduledAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(request);
        CheckLead(scheduledAt);

        // Everything a post would check is checked now, so that publishing later rarely fails.
        var draft = await statuses.PrepareAsync(author, user, request, cancellationToken);
        await CheckMediaAsync(author.Id, request.MediaIds, cancellationToken);

        var id = ids.NextString();
        string? idempotencyKey = null;
        if (!string.IsNullOrEmpty(request.IdempotencyKey))
        {
            idempotencyKey = $"idempotency-scheduled:{author.Id}:{Secrets.Hash(request.IdempotencyKey)}";
            try
            {
                await store.CreateAsync(Containers.Lookups, idempotencyKey, idempotencyKey, new LookupRecord(idempotencyKey, id), StoreJsonContext.Default.LookupRecord, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                var earlier = await store.ReadAsync(Containers.Lookups, idempotencyKey, idempotencyKey, StoreJsonContext.Default.LookupRecord, cancellationToken);
                return earlier is not null && await GetAsync(author.Id, earlier.Value.TargetId, cancellationToken) is { } existing
                    ? existing
                    : throw new ValidationFailedException("A request with this Idempotency-Key is still being processed");
            }
        }

        var record = new ScheduledStatusRecord
        {
            Id = id,
            AccountId = author.Id,
            ScheduledAt = scheduledAt.ToUniversalTime(),
            Text = draft.Text,
            Visibility = draft.Visibility,
            Sensitive = request.Sensitive,
            SpoilerText = request.SpoilerText,
            Language = request.Language,
            InReplyToId = draft.Parent?.Id,
            MediaIds = request.MediaIds.Distinct(StringComparer.Ordinal).ToList(),
            Poll = request.Poll,
            Idempotency = request.IdempotencyKey,
            PublishKey = "scheduled:" + Guid.NewGuid().ToString("N"),
            ApplicationName = request.ApplicationName,
            ApplicationWebsite = request.ApplicationWebsite,
            CreatedAt = time.GetUtcNow(),
        };

        try
        {
            await store.CreateAsync(Containers.Scheduled, author.Id, SnowflakeIds.Sortable(id), record, StoreJsonContext.Default.ScheduledStatusRecord, cancellationToken);
            await due.AddAsync(DueEntryOf(record), cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(Containers.Scheduled, author.Id, SnowflakeIds.Sortable(id), ifMatch: null, CancellationToken.None);
            if (idempotencyKey is not null)
            {
                await store.DeleteAsync(Containers.Lookups, idempotencyKey, idempotencyKey, ifMatch: null, CancellationToken.None);
            }

            throw;
        }

        return record;
    }

    public async Task<ScheduledStatusRecord?> GetAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(id, out _))
        {
            return null;
        }

        return (await store.ReadAsync(Containers.Scheduled, accountId, SnowflakeIds.Sortable(id), StoreJsonContext.Default.ScheduledStatusRecord, cancellationToken))?.Value;
    }

    /// <summary>The account's scheduled statuses, newest id first, in Mastodon's paging terms.</summary>
    public async Task<IReadOnlyList<ScheduledStatusRecord>> ListAsync(string accountId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(accountId)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var result = await store.QueryAsync(Containers.Scheduled, query, StoreJsonContext.Default.ScheduledStatusRecord, cancellationToken);
        var items = result.Items.Select(i => i.Value).ToList();
        if (ascending)
        {
            items.Reverse();
        }

        return items;
    }

    /// <summary>Moves the publishing time (the only thing Mastodon lets a client change).</summary>
    public async Task<ScheduledStatusRecord> RescheduleAsync(string accountId, string id, DateTimeOffset scheduledAt, CancellationToken cancellationToken)
    {
        CheckLead(scheduledAt);
        for (var attempt = 0; ; attempt++)
        {
            var doc = SnowflakeIds.TryParse(id, out _)
                ? await store.ReadAsync(Containers.Scheduled, accountId, SnowflakeIds.Sortable(id), StoreJsonContext.Default.ScheduledStatusRecord, cancellationToken)
                : null;
            if (doc is null)
            {
                throw new RecordNotFoundException();
            }

            var updated = doc.Value with { ScheduledAt = scheduledAt.ToUniversalTime() };

            // The new entry goes in first: a crash leaves a stale entry, which the publisher skips, never a lost one.
            await due.AddAsync(DueEntryOf(updated), cancellationToken);
            try
            {
                await store.ReplaceAsync(Containers.Scheduled, accountId, doc.Id, updated, StoreJsonContext.Default.ScheduledStatusRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 3)
            {
                continue;
            }

            if (DueEntryOf(doc.Value) is var old && old.DueAt != updated.ScheduledAt)
            {
                await due.RemoveAsync(old, cancellationToken);
            }

            return updated;
        }
    }

    public async Task CancelAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        var record = await GetAsync(accountId, id, cancellationToken) ?? throw new RecordNotFoundException();
        await store.DeleteAsync(Containers.Scheduled, accountId, SnowflakeIds.Sortable(record.Id), ifMatch: null, cancellationToken);
        await due.RemoveAsync(DueEntryOf(record), cancellationToken);
    }

    /// <summary>The uploads a scheduled status will carry, for its <c>media_attachments</c>.</summary>
    public Task<IReadOnlyList<MediaAttachmentRecord>> MediaOfAsync(IEnumerable<ScheduledStatusRecord> records, CancellationToken cancellationToken) =>
        statuses.MediaOfAsync(records.SelectMany(r => r.MediaIds), cancellationToken);

    internal static DueEntry DueEntryOf(ScheduledStatusRecord record) => new(DueKinds.ScheduledStatus, record.Id, record.AccountId, record.ScheduledAt);

    private void CheckLead(DateTimeOffset scheduledAt)
    {
        if (scheduledAt <= time.GetUtcNow() + MinimumLead)
        {
            throw new ValidationFailedException("Validation failed: Scheduled at date must be in the future");
        }
    }

    /// <summary>The uploads must be the author's and unused, as when posting (they are attached when the status is published).</summary>
    private async Task CheckMediaAsync(string accountId, IReadOnlyList<string> mediaIds, CancellationToken cancellationToken)
    {
        if (mediaIds.Count == 0)
        {
            return;
        }

        var docs = await store.ReadManyAsync(Containers.Media, mediaIds.Distinct(StringComparer.Ordinal).Select(m => new DocumentKey(m, m)).ToList(), StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        if (docs.Count != mediaIds.Distinct(StringComparer.Ordinal).Count() || docs.Any(d => d.Value.AccountId != accountId || d.Value.StatusId is not null))
        {
            throw new ValidationFailedException("Validation failed: Media attachments are invalid or already used");
        }
    }
}
