using Serverless.Core.Accounts;
using Serverless.Core.Moderation;
using Serverless.Core.Statuses;
using Serverless.Mastodon.Api.V1.Admin;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>POST /api/v1/reports</c>: a user reports an account (and some of its statuses) to the moderators.</summary>
public static class ReportsEndpoints
{
    /// <summary>Statuses attached to one report at most.</summary>
    public const int MaxStatuses = 100;

    public static async Task Create(ApiRequest request)
    {
        var reporter = request.CurrentAccount;
        var p = request.Params;
        var accounts = request.Service<AccountService>();
        var target = await accounts.GetAsync(p.GetString("account_id") ?? "", request.Aborted);
        if (target is null || target.SuspendedAt is not null)
        {
            throw ApiException.NotFound();
        }

        var statusService = request.Service<StatusService>();
        var reported = new List<StatusRecord>();
        foreach (var id in p.GetStrings("status_ids").Distinct(StringComparer.Ordinal).Take(MaxStatuses))
        {
            // As Mastodon: only the target's own statuses, else the record is not found.
            var status = await statusService.GetAsync(id, request.Aborted);
            if (status is null || status.AccountId != target.Id || status.DeletedAt is not null)
            {
                throw ApiException.NotFound();
            }

            reported.Add(status);
        }

        var report = await request.Service<ReportService>().CreateAsync(
            reporter,
            target,
            reported,
            p.GetString("comment"),
            p.GetString("category"),
            p.GetStrings("rule_ids"),
            p.GetBool("forward") ?? false,
            request.Aborted);
        await request.Json(
            new Report
            {
                Id = report.Id,
                ActionTaken = report.ActionTaken,
                ActionTakenAt = report.ActionTakenAt is { } at ? EntityMapper.Timestamp(at) : null,
                Category = report.Category,
                Comment = report.Comment,
                Forwarded = report.Forwarded,
                CreatedAt = EntityMapper.Timestamp(report.CreatedAt),
                StatusIds = [.. report.StatusIds],
                RuleIds = [.. report.RuleIds],
                TargetAccount = request.Service<EntityMapper>().ToAccount(target),
            },
            AdminJsonContext.Default.Report);
    }
}
