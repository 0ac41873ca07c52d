using System.Globalization;
using Serverless.Core.Accounts;
using Serverless.Core.Moderation;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary>Who may use the admin API, and the admin entities rendered from records.</summary>
public static class AdminRendering
{
    /// <summary>Mastodon's answer to a signed-in user without the role an admin endpoint needs.</summary>
    public static ApiException NotAllowed() => new(403, "This action is not allowed");

    /// <summary>The caller's login, when it belongs to a moderator, an admin or the owner; otherwise a 403.</summary>
    public static UserRecord RequireStaff(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = request.CurrentUser;
        return user.Role >= UserRole.Moderator ? user : throw NotAllowed();
    }

    public static Role RoleOf(UserRole role) => new()
    {
        Id = ((int)role).ToString(CultureInfo.InvariantCulture),
        Name = role == UserRole.User ? "" : role.ToString(),
        Permissions = role switch
        {
            UserRole.Owner or UserRole.Admin => "1",
            UserRole.Moderator => "1308",
            _ => "0",
        },
        Highlighted = role != UserRole.User,
    };

    public static AdminAccount Account(EntityMapper mapper, AccountRecord account, UserRecord? user)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(account);
        return new AdminAccount
        {
            Id = account.Id,
            Username = account.Username,
            Domain = account.Domain,
            CreatedAt = EntityMapper.Timestamp(account.CreatedAt),
            Email = user?.Email,
            Locale = user?.Locale,
            InviteRequest = user?.SignUpReason,
            Role = user is null ? null : RoleOf(user.Role),
            Confirmed = user is not null,
            Approved = user?.Approved ?? true,
            Disabled = user?.Disabled ?? false,
            Silenced = account.SilencedAt is not null,
            Suspended = account.SuspendedAt is not null,
            Sensitized = account.SensitizedAt is not null,
            Account = mapper.ToAccount(account),
        };
    }

    /// <summary>Renders accounts by id in the order given (missing ones are skipped), with their logins for local ones.</summary>
    public static async Task<List<AdminAccount>> AccountsAsync(ApiRequest request, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ids);
        var accounts = request.Service<AccountService>();
        var mapper = request.Service<EntityMapper>();
        var byId = (await accounts.GetManyAsync(ids.Distinct(StringComparer.Ordinal).ToList(), request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var list = new List<AdminAccount>();
        foreach (var id in ids)
        {
            if (byId.TryGetValue(id, out var account))
            {
                var user = account.IsLocal ? await accounts.GetUserAsync(account.Id, request.Aborted) : null;
                list.Add(Account(mapper, account, user));
            }
        }

        return list;
    }

    public static async Task<AdminAccount> AccountAsync(ApiRequest request, string id) =>
        (await AccountsAsync(request, [id])) is [var one] ? one : throw ApiException.NotFound();

    public static async Task<List<AdminReport>> ReportsAsync(ApiRequest request, IReadOnlyList<ReportRecord> reports)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reports);
        var accountIds = reports.SelectMany(r => new[] { r.AccountId, r.TargetAccountId, r.AssignedAccountId, r.ActionTakenByAccountId }).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var accounts = (await AccountsAsync(request, accountIds)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var statusIds = reports.SelectMany(r => r.StatusIds).Distinct(StringComparer.Ordinal).ToList();
        var mapper = request.Service<EntityMapper>();
        var statuses = statusIds.Count == 0
            ? new Dictionary<string, Status>(StringComparer.Ordinal)
            : (await request.Service<TimelineService>().RenderAsync(statusIds, null, _ => true, request.Aborted)).Select(mapper.ToStatus).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var rules = reports.Any(r => r.RuleIds.Count > 0)
            ? (await request.Service<RuleService>().ListAsync(request.Aborted)).ToDictionary(r => r.Id, StringComparer.Ordinal)
            : new Dictionary<string, RuleRecord>(StringComparer.Ordinal);
        var list = new List<AdminReport>();
        foreach (var report in reports)
        {
            if (!accounts.TryGetValue(report.AccountId, out var reporter) || !accounts.TryGetValue(report.TargetAccountId, out var target))
            {
                continue;
            }

            list.Add(new AdminReport
            {
                Id = report.Id,
                ActionTaken = report.ActionTaken,
                ActionTakenAt = report.ActionTakenAt is { } at ? EntityMapper.Timestamp(at) : null,
                Category = report.Category,
                Comment = report.Comment,
                Forwarded = report.Forwarded,
                CreatedAt = EntityMapper.Timestamp(report.CreatedAt),
                UpdatedAt = EntityMapper.Timestamp(report.UpdatedAt ?? report.CreatedAt),
                Account = reporter,
                TargetAccount = target,
                AssignedAccount = report.AssignedAccountId is { } assigned ? accounts.GetValueOrDefault(assigned) : null,
                ActionTakenByAccount = report.ActionTakenByAccountId is { } by ? accounts.GetValueOrDefault(by) : null,
                Statuses = report.StatusIds.Select(statuses.GetValueOrDefault).OfType<Status>().ToList(),
                Rules = report.RuleIds.Select(rules.GetValueOrDefault).OfType<RuleRecord>().Select(Rule).ToList(),
            });
        }

        return list;
    }

    public static Rule Rule(RuleRecord rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new Rule(rule.Id, rule.Text, rule.Hint);
    }

    public static AdminDomainBlock DomainBlock(DomainBlockRecord block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return new AdminDomainBlock
        {
            Id = block.Id,
            Domain = block.Domain,
            Digest = DomainNames.Digest(block.Domain),
            CreatedAt = EntityMapper.Timestamp(block.CreatedAt),
            Severity = block.Severity,
            RejectMedia = block.RejectMedia,
            RejectReports = block.RejectReports,
            PrivateComment = block.PrivateComment,
            PublicComment = block.PublicComment,
            Obfuscate = block.Obfuscate,
        };
    }

    public static AdminDomainAllow DomainAllow(DomainAllowRecord allow)
    {
        ArgumentNullException.ThrowIfNull(allow);
        return new AdminDomainAllow(allow.Id, allow.Domain, EntityMapper.Timestamp(allow.CreatedAt));
    }

    /// <summary>Admin lists page by <c>max_id</c>/<c>min_id</c> (<c>since_id</c> reads as <c>min_id</c>), 100 by default, 200 at most.</summary>
    public static PageRequest Page(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request.Page(defaultLimit: 100, maxLimit: 200);
        return page with { MinId = page.MinId ?? page.SinceId };
    }
}
