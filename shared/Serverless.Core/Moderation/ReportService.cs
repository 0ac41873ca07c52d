using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Federation;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>The admin API's filters of reports.</summary>
public sealed record ReportFilter(bool Resolved = false, string? AccountId = null, string? TargetAccountId = null);

/// <summary>
/// Reports for moderators: made by local users (and forwarded as <c>Flag</c> to a remote account's server when asked), or
/// received from other servers as <c>Flag</c>; then assigned, resolved and reopened by moderators. Each report is stored
/// twice (its own partition, and the newest-first index), and both copies change together.
/// </summary>
public sealed class ReportService(IDocumentStore store, SnowflakeIds ids, TimeProvider time, IFederationOutbox outbox, DomainBlockService domains, RuleService rules)
{
    /// <summary>Mastodon's cap on a local report's comment.</summary>
    public const int MaxLocalCommentLength = 1000;

    public static readonly IReadOnlyList<string> Categories = ["spam", "legal", "violation", "other"];

    /// <summary>
    /// A local user's report (<c>POST /api/v1/reports</c>). The statuses must be the target's; rule ids must name
    /// instance rules (and make the category <c>violation</c>, as Mastodon). With <paramref name="forward"/>, a remote
    /// target's server receives a <c>Flag</c> from the instance actor naming the account and the statuses.
    /// </summary>
    public async Task<ReportRecord> CreateAsync(AccountRecord reporter, AccountRecord target, IReadOnlyList<StatusRecord> reported, string? comment, string? category, IReadOnlyList<string> ruleIds, bool forward, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(reported);
        ArgumentNullException.ThrowIfNull(ruleIds);
        var text = comment ?? "";
        if (text.Length > MaxLocalCommentLength)
        {
            throw ValidationFailedException.ForField("comment", "ERR_TOO_LONG", $"is too long (maximum is {MaxLocalCommentLength} characters)");
        }

        if (reported.Any(s => s.AccountId != target.Id))
        {
            throw new RecordNotFoundException();
        }

        var ruleList = ruleIds.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.Ordinal).ToList();
        var chosen = string.IsNullOrEmpty(category) ? (ruleList.Count > 0 ? "violation" : "other") : category;
        if (!Categories.Contains(chosen))
        {
            throw ValidationFailedException.ForField("category", "ERR_INCLUSION", "is not included in the list");
        }

        if (chosen != "violation")
        {
            ruleList = [];
        }
        else if (ruleList.Count > 0)
        {
            var known = (await rules.ListAsync(cancellationToken)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            if (ruleList.Any(r => !known.Contains(r)))
            {
                throw ValidationFailedException.ForField("rule_ids", "ERR_INVALID", "does not reference valid rules");
            }
        }

        var report = new ReportRecord
        {
            Id = ids.NextString(),
            AccountId = reporter.Id,
            TargetAccountId = target.Id,
            StatusIds = reported.Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList(),
            Comment = text,
            Category = chosen,
            RuleIds = ruleList,
            Forwarded = forward && !target.IsLocal,
            CreatedAt = time.GetUtcNow(),
        };
        await StoreAsync(report, cancellationToken);
        if (report.Forwarded)
        {
            await outbox.FlagAsync(report, target, reported, cancellationToken);
        }

        return report;
    }

    /// <summary>The admin list: unresolved (or resolved) reports, optionally by reporter or target, newest first.</summary>
    public async Task<IReadOnlyList<ReportRecord>> ListAsync(ReportFilter filter, string? maxId, string? minId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var filters = new List<FieldFilter> { new("actionTaken", JsonValue.Create(filter.Resolved)) };
        if (!string.IsNullOrEmpty(filter.AccountId))
        {
            filters.Add(new FieldFilter("accountId", JsonValue.Create(filter.AccountId)));
        }

        if (!string.IsNullOrEmpty(filter.TargetAccountId))
        {
            filters.Add(new FieldFilter("targetAccountId", JsonValue.Create(filter.TargetAccountId)));
        }

        var page = await store.QueryAsync(
            Containers.Reports,
            new DocumentQuery(ReportRecord.IndexPartition)
            {
                IdBefore = maxId is not null && SnowflakeIds.TryParse(maxId, out _) ? SnowflakeIds.Sortable(maxId) : null,
                IdAfter = minId is not null && SnowflakeIds.TryParse(minId, out _) ? SnowflakeIds.Sortable(minId) : null,
                Descending = minId is null,
                Limit = limit,
                Filters = filters,
            },
            StoreJsonContext.Default.ReportRecord,
            cancellationToken);
        var items = page.Items.Select(i => i.Value);
        return (minId is null ? items : items.OrderByDescending(r => SnowflakeIds.Sortable(r.Id), StringComparer.Ordinal)).ToList();
    }

    public Task<ReportRecord> AssignAsync(string reportId, string? moderatorAccountId, CancellationToken cancellationToken) =>
        ChangeAsync(reportId, r => r with { AssignedAccountId = moderatorAccountId }, cancellationToken);

    public Task<ReportRecord> ResolveAsync(string reportId, string moderatorAccountId, CancellationToken cancellationToken) =>
        ChangeAsync(reportId, r => r.ActionTaken ? r : r with { ActionTaken = true, ActionTakenAt = time.GetUtcNow(), ActionTakenByAccountId = moderatorAccountId }, cancellationToken);

    public Task<ReportRecord> ReopenAsync(string reportId, CancellationToken cancellationToken) =>
        ChangeAsync(reportId, r => r with { ActionTaken = false, ActionTakenAt = null, ActionTakenByAccountId = null }, cancellationToken);

    /// <summary>Changes a report in both of its copies.</summary>
    private async Task<ReportRecord> ChangeAsync(string reportId, Func<ReportRecord, ReportRecord> change, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(reportId, cancellationToken) ?? throw new RecordNotFoundException();
        var updated = change(existing) with { UpdatedAt = time.GetUtcNow() };
        await store.UpsertAsync(Containers.Reports, updated.Id, updated.Id, updated, StoreJsonContext.Default.ReportRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Reports, ReportRecord.IndexPartition, SnowflakeIds.Sortable(updated.Id), updated, StoreJsonContext.Default.ReportRecord, ifMatch: null, cancellationToken);
        return updated;
    }

    private async Task StoreAsync(ReportRecord report, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(Containers.Reports, report.Id, report.Id, report, StoreJsonContext.Default.ReportRecord, cancellationToken);
            await store.UpsertAsync(Containers.Reports, ReportRecord.IndexPartition, SnowflakeIds.Sortable(report.Id), report, StoreJsonContext.Default.ReportRecord, ifMatch: null, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(Containers.Reports, report.Id, report.Id, ifMatch: null, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Stores a report from a remote account, once per (<c>Flag</c> id, reported account): a redelivered
    /// or repeated Flag returns the report already made. Null when the reporter's domain is blocked with <c>reject_reports</c>.
    /// </summary>
    public async Task<ReportRecord?> ReceiveRemoteAsync(AccountRecord reporter, AccountRecord target, IReadOnlyList<string> statusIds, string? comment, string? uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(statusIds);
        if (reporter.IsLocal)
        {
            throw new ValidationFailedException("A received report is by a remote account");
        }

        if ((await domains.PolicyAsync(reporter.Domain, cancellationToken)).RejectReports)
        {
            return null;
        }

        var text = comment ?? "";
        var report = new ReportRecord
        {
            Id = ids.NextString(),
            AccountId = reporter.Id,
            TargetAccountId = target.Id,
            StatusIds = statusIds.Distinct(StringComparer.Ordinal).ToList(),
            Comment = text.Length > ReportRecord.MaxCommentLength ? text[..ReportRecord.MaxCommentLength] : text,
            Uri = uri,
            CreatedAt = time.GetUtcNow(),
        };

        string? claim = null;
        if (uri is not null)
        {
            claim = "report:" + LookupKeys.Uri(uri + " " + target.Id)[4..];
            try
            {
                await store.CreateAsync(Containers.Lookups, claim, claim, new LookupRecord(claim, report.Id), StoreJsonContext.Default.LookupRecord, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                var earlier = await store.ReadAsync(Containers.Lookups, claim, claim, StoreJsonContext.Default.LookupRecord, cancellationToken);
                if (earlier is not null && await GetAsync(earlier.Value.TargetId, cancellationToken) is { } known)
                {
                    return known;
                }

                throw new ValidationFailedException("The report is being stored by another request");
            }
        }

        try
        {
            await store.CreateAsync(Containers.Reports, report.Id, report.Id, report, StoreJsonContext.Default.ReportRecord, cancellationToken);
            await store.UpsertAsync(Containers.Reports, ReportRecord.IndexPartition, SnowflakeIds.Sortable(report.Id), report, StoreJsonContext.Default.ReportRecord, ifMatch: null, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(Containers.Reports, report.Id, report.Id, ifMatch: null, CancellationToken.None);
            if (claim is not null)
            {
                await store.DeleteAsync(Containers.Lookups, claim, claim, ifMatch: null, CancellationToken.None);
            }

            throw;
        }

        return report;
    }

    public async Task<ReportRecord?> GetAsync(string reportId, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(reportId, out _)
            ? (await store.ReadAsync(Containers.Reports, reportId, reportId, StoreJsonContext.Default.ReportRecord, cancellationToken))?.Value
            : null;

    /// <summary>The newest reports first (one single-partition read), for moderators.</summary>
    public async Task<IReadOnlyList<ReportRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Reports, new DocumentQuery(ReportRecord.IndexPartition) { Limit = limit }, StoreJsonContext.Default.ReportRecord, cancellationToken);
        return page.Items.Select(i => i.Value).ToList();
    }
}
