using Serverless.Core.Safety;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/domain_blocks</c>: the domains a user hides (a list of strings), and blocking or unblocking one (<c>domain</c>), answered with <c>{}</c>.</summary>
public static class DomainBlocksEndpoints
{
    /// <summary><c>GET</c>: limit 100, at most 200, paged with <c>Link</c> on the domains themselves.</summary>
    public static async Task Index(ApiRequest request)
    {
        var blocks = await request.Service<SafetyService>().DomainBlocksAsync(request.CurrentAccount.Id, request.Page(100, 200), request.Aborted);
        if (blocks.Count > 0)
        {
            request.LinkHeader(blocks[0].Domain, blocks[^1].Domain);
        }

        await request.Json(blocks.Select(b => b.Domain).ToList(), SafetyJsonContext.Default.ListString);
    }

    public static async Task Create(ApiRequest request)
    {
        await request.Service<SafetyService>().BlockDomainAsync(request.CurrentAccount, request.Params.GetString("domain"), request.Aborted);
        await request.Raw("{}", "application/json; charset=utf-8");
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<SafetyService>().UnblockDomainAsync(request.CurrentAccount, request.Params.GetString("domain"), request.Aborted);
        await request.Raw("{}", "application/json; charset=utf-8");
    }
}
