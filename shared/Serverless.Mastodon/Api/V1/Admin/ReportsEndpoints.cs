using Serverless.Core.Moderation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary><c>/api/v1/admin/reports</c>: moderators list reports and assign, resolve and reopen them.</summary>
public static class ReportsEndpoints
{
    /// <summary><c>GET /api/v1/admin/reports</c>: unresolved reports unless <c>resolved=true</c>; <c>account_id</c>, <c>target_account_id</c>.</summary>
    public static async Task Index(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var p = request.Params;
        var filter = new ReportFilter(p.GetBool("resolved") ?? false, p.GetString("account_id"), p.GetString("target_account_id"));
        var page = AdminRendering.Page(request);
        var reports = await request.Service<ReportService>().ListAsync(filter, page.MaxId, page.MinId, page.Limit, request.Aborted);
        var list = await AdminRendering.ReportsAsync(request, reports);
        request.LinkHeader(reports.Count > 0 ? reports[0].Id : null, reports.Count > 0 ? reports[^1].Id : null);
        await request.Json(list, AdminJsonContext.Default.ListAdminReport);
    }

    public static async Task Show(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var report = await request.Service<ReportService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        await WriteAsync(request, report);
    }

    public static async Task AssignToSelf(ApiRequest request)
    {
        var moderator = AdminRendering.RequireStaff(request);
        await WriteAsync(request, await request.Service<ReportService>().AssignAsync(request.Route("id"), moderator.AccountId, request.Aborted));
    }

    public static async Task Unassign(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        await WriteAsync(request, await request.Service<ReportService>().AssignAsync(request.Route("id"), null, request.Aborted));
    }

    public static async Task Resolve(ApiRequest request)
    {
        var moderator = AdminRendering.RequireStaff(request);
        await WriteAsync(request, await request.Service<ReportService>().ResolveAsync(request.Route("id"), moderator.AccountId, request.Aborted));
    }

    public static async Task Reopen(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        await WriteAsync(request, await request.Service<ReportService>().ReopenAsync(request.Route("id"), request.Aborted));
    }

    private static async Task WriteAsync(ApiRequest request, ReportRecord report) =>
        await request.Json((await AdminRendering.ReportsAsync(request, [report])) is [var one] ? one : throw ApiException.NotFound(), AdminJsonContext.Default.AdminReport);
}
