using Serverless.Core.Moderation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary><c>/api/v1/admin/domain_blocks</c>: instance-wide blocks of remote domains.</summary>
public static class DomainBlocksEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var page = AdminRendering.Page(request);
        var blocks = await request.Service<DomainBlockService>().ListAsync(page.MaxId, page.MinId, page.Limit, request.Aborted);
        request.LinkHeader(blocks.Count > 0 ? blocks[0].Id : null, blocks.Count > 0 ? blocks[^1].Id : null);
        await request.Json(blocks.Select(AdminRendering.DomainBlock).ToList(), AdminJsonContext.Default.ListAdminDomainBlock);
    }

    public static async Task Show(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var block = await request.Service<DomainBlockService>().FindAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        await request.Json(AdminRendering.DomainBlock(block), AdminJsonContext.Default.AdminDomainBlock);
    }

    /// <summary><c>POST</c>: <c>domain</c> (required), <c>severity</c> (default silence), <c>reject_media</c>, <c>reject_reports</c>, comments, <c>obfuscate</c>.</summary>
    public static async Task Create(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var p = request.Params;
        if (string.IsNullOrWhiteSpace(p.GetString("domain")))
        {
            throw ApiException.Unprocessable("Validation failed: Domain can't be blank");
        }

        var block = await request.Service<DomainBlockService>().CreateAsync(
            new DomainBlockRecord
            {
                Id = "",
                Domain = p.GetString("domain")!,
                Severity = p.GetString("severity") is { Length: > 0 } severity ? severity : DomainBlockSeverity.Silence,
                RejectMedia = p.GetBool("reject_media") ?? false,
                RejectReports = p.GetBool("reject_reports") ?? false,
                PrivateComment = p.GetString("private_comment"),
                PublicComment = p.GetString("public_comment"),
                Obfuscate = p.GetBool("obfuscate") ?? false,
                CreatedAt = default,
            },
            request.Aborted);
        await request.Json(AdminRendering.DomainBlock(block), AdminJsonContext.Default.AdminDomainBlock);
    }

    /// <summary><c>PUT</c>: changes what is given, keeps the rest.</summary>
    public static async Task Update(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var p = request.Params;
        var block = await request.Service<DomainBlockService>().UpdateAsync(
            request.Route("id"),
            b => b with
            {
                Severity = p.GetString("severity") is { Length: > 0 } severity ? severity : b.Severity,
                RejectMedia = p.GetBool("reject_media") ?? b.RejectMedia,
                RejectReports = p.GetBool("reject_reports") ?? b.RejectReports,
                PrivateComment = p.Get("private_comment") is null ? b.PrivateComment : p.GetString("private_comment"),
                PublicComment = p.Get("public_comment") is null ? b.PublicComment : p.GetString("public_comment"),
                Obfuscate = p.GetBool("obfuscate") ?? b.Obfuscate,
            },
            request.Aborted);
        await request.Json(AdminRendering.DomainBlock(block), AdminJsonContext.Default.AdminDomainBlock);
    }

    /// <summary><c>DELETE</c>: lifts the block; answers <c>{}</c> as Mastodon.</summary>
    public static async Task Delete(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        await request.Service<DomainBlockService>().DeleteAsync(request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), AdminJsonContext.Default.EmptyObject);
    }
}
