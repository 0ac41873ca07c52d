using Serverless.Core.Moderation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary>The public side of moderation: <c>/api/v1/instance/rules</c> and <c>/api/v1/instance/domain_blocks</c>.</summary>
public static class InstanceModerationEndpoints
{
    /// <summary><c>GET /api/v1/instance/rules</c>.</summary>
    public static async Task Rules(ApiRequest request)
    {
        var rules = await request.Service<RuleService>().ListAsync(request.Aborted);
        await request.Json(rules.Select(AdminRendering.Rule).ToList(), AdminJsonContext.Default.ListRule);
    }

    /// <summary>The rules as the instance documents list them.</summary>
    public static async Task<List<Entities.Rule>> RulesForInstanceAsync(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await request.Service<RuleService>().ListAsync(request.Aborted)).Select(AdminRendering.Rule).ToList();
    }

    /// <summary>
    /// <c>GET /api/v1/instance/domain_blocks</c>: the moderated servers with a user-facing limitation (silence or suspend),
    /// obfuscated where the block says so, with the public comment. Shown to everyone (Mastodon's <c>show_domain_blocks: all</c>).
    /// </summary>
    public static async Task DomainBlocks(ApiRequest request)
    {
        var service = request.Service<DomainBlockService>();
        var list = new List<PublicDomainBlock>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await service.ListAsync(before, null, 200, request.Aborted);
            list.AddRange(page.Where(b => b.Severity != DomainBlockSeverity.Noop).Select(b => new PublicDomainBlock(
                b.Obfuscate ? DomainNames.Obfuscate(b.Domain) : b.Domain,
                DomainNames.Digest(b.Domain),
                b.Severity,
                b.PublicComment)));
            if (page.Count < 200)
            {
                break;
            }

            before = page[^1].Id;
        }

        await request.Json(list, AdminJsonContext.Default.ListPublicDomainBlock);
    }
}
