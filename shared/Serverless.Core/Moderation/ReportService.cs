using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>Stores reports for moderators. For now: reports that other servers send as <c>Flag</c>.</summary>
public sealed class ReportService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>
    /// Stores a report from a remote account, once per (<c>Flag</c> id, reported account): a redelivered
    /// or repeated Flag returns the report already made.
    /// </summary>
    public async Task<ReportRecord> ReceiveRemoteAsync(AccountRecord reporter, AccountRecord target, IReadOnlyList<string> statusIds, string? comment, string? uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(statusIds);
        if (reporter.IsLocal)
        {
            throw new ValidationFailedException("A received report is by a remote account");
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
