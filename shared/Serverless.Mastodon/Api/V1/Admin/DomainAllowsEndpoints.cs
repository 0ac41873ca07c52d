using Serverless.Core.Moderation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary><c>/api/v1/admin/domain_allows</c>: the domains that federate in limited federation mode (<c>LIMITED_FEDERATION_MODE</c>).</summary>
public static class DomainAllowsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var page = AdminRendering.Page(request);
        var allows = await request.Service<DomainBlockService>().ListAllowsAsync(page.MaxId, page.MinId, page.Limit, request.Aborted);
        request.LinkHeader(allows.Count > 0 ? allows[0].Id : null, allows.Count > 0 ? allows[^1].Id : null);
        await request.Json(allows.Select(AdminRendering.DomainAllow).ToList(), AdminJsonContext.Default.ListAdminDomainAllow);
    }

    public static async Task Show(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var allow = await request.Service<DomainBlockService>().FindAllowAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        await request.Json(AdminRendering.DomainAllow(allow), AdminJsonContext.Default.AdminDomainAllow);
    }

    public static async Task Create(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        if (string.IsNullOrWhiteSpace(request.Params.GetString("domain")))
        {
            throw ApiException.Unprocessable("Validation failed: Domain can't be blank");
        }

        var allow = await request.Service<DomainBlockService>().AllowAsync(request.Params.GetString("domain"), request.Aborted);
        await request.Json(AdminRendering.DomainAllow(allow), AdminJsonContext.Default.AdminDomainAllow);
    }

    public static async Task Delete(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        await request.Service<DomainBlockService>().DisallowAsync(request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), AdminJsonContext.Default.EmptyObject);
    }
}
