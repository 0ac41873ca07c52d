using Serverless.Core.Moderation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary><c>/api/v1/admin/accounts</c>: moderators list accounts and act on them (Mastodon's v1 admin accounts API).</summary>
public static class AccountsEndpoints
{
    /// <summary>The account states an admin list filters by (v1 as flags, v2 as <c>status</c>).</summary>
    internal static readonly string[] StatusFilters = ["active", "pending", "disabled", "silenced", "suspended", "sensitized"];

    /// <summary>
    /// <c>GET /api/v1/admin/accounts</c>: filters <c>local</c>/<c>remote</c>, <c>by_domain</c>, one of the
    /// states, <c>username</c>, <c>display_name</c>, <c>email</c> and <c>staff</c>. <c>ip</c> is ignored:
    /// sign-up and sign-in addresses are not stored.
    /// </summary>
    public static async Task Index(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var p = request.Params;
        var filter = new AccountFilter
        {
            Local = p.GetBool("local") == true ? true : p.GetBool("remote") == true ? false : null,
            Domain = DomainNames.Normalize(p.GetString("by_domain")),
            Status = StatusFilters.FirstOrDefault(s => p.GetBool(s) == true),
        };
        if (filter.Domain is not null)
        {
            filter = filter with { Local = false };
        }

        await AccountListing.IndexAsync(request, filter, AccountMatch.From(p, staffOnly: p.GetBool("staff") == true));
    }

    /// <summary><c>GET /api/v1/admin/accounts/:id</c>.</summary>
    public static async Task Show(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        await request.Json(await AdminRendering.AccountAsync(request, request.Route("id")), AdminJsonContext.Default.AdminAccount);
    }

    /// <summary><c>POST /api/v1/admin/accounts/:id/action</c>: <c>type</c> none, sensitive, disable, silence or suspend; answers <c>{}</c>.</summary>
    public static async Task Action(ApiRequest request)
    {
        var moderator = AdminRendering.RequireStaff(request);
        await request.Service<AccountModerationService>().ActAsync(moderator, request.Route("id"), request.Params.GetString("type") ?? AccountActions.None, request.Aborted);
        if (request.Params.GetString("report_id") is { Length: > 0 } reportId)
        {
            // As Mastodon: acting from a report resolves it.
            await request.Service<ReportService>().ResolveAsync(reportId, moderator.AccountId, request.Aborted);
        }

        await request.Json(new EmptyObject(), AdminJsonContext.Default.EmptyObject);
    }

    public static Task Approve(ApiRequest request) =>
        ChangeAsync(request, (s, m, id) => s.ApproveAsync(m, id, request.Aborted));

    /// <summary><c>POST /api/v1/admin/accounts/:id/reject</c>: the pending account is deleted; its last state is answered.</summary>
    public static async Task Reject(ApiRequest request)
    {
        var moderator = AdminRendering.RequireStaff(request);
        var (account, user) = await request.Service<AccountModerationService>().RejectAsync(moderator, request.Route("id"), request.Aborted);
        await request.Json(AdminRendering.Account(request.Service<Rendering.EntityMapper>(), account, user), AdminJsonContext.Default.AdminAccount);
    }

    public static Task Enable(ApiRequest request) =>
        ChangeAsync(request, (s, m, id) => s.EnableAsync(m, id, request.Aborted));

    public static Task Unsilence(ApiRequest request) =>
        ChangeAsync(request, (s, m, id) => s.UnsilenceAsync(m, id, request.Aborted));

    public static Task Unsuspend(ApiRequest request) =>
        ChangeAsync(request, (s, m, id) => s.UnsuspendAsync(m, id, request.Aborted));

    public static Task Unsensitive(ApiRequest request) =>
        ChangeAsync(request, (s, m, id) => s.UnsensitiveAsync(m, id, request.Aborted));

    private static async Task ChangeAsync(ApiRequest request, Func<AccountModerationService, Core.Accounts.UserRecord, string, Task<Core.Accounts.AccountRecord>> change)
    {
        var moderator = AdminRendering.RequireStaff(request);
        var account = await change(request.Service<AccountModerationService>(), moderator, request.Route("id"));
        await request.Json(await AdminRendering.AccountAsync(request, account.Id), AdminJsonContext.Default.AdminAccount);
    }
}
