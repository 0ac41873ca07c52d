using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary>
/// <c>GET /api/v1/accounts/search?q=&amp;limit=&amp;offset=&amp;following=&amp;resolve=</c>: accounts by
/// username or display-name prefix. Remote handles are not resolved yet (<c>resolve</c> finds
/// only what is already known).
/// </summary>
public static class AccountSearchEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var q = request.Params.GetString("q");
        if (string.IsNullOrWhiteSpace(q))
        {
            throw ApiException.BadRequest("param is missing or the value is empty: q");
        }

        var limit = Math.Clamp(request.Params.GetInt("limit") ?? 40, 1, 80);
        var offset = Math.Max(0, request.Params.GetInt("offset") ?? 0);
        var following = request.Params.GetBool("following") == true;

        // Only followed accounts: scan further so that filtering still fills the page.
        var found = await request.Service<AccountService>().SearchAsync(q, following ? AccountService.MaxSearchScan : limit, following ? 0 : offset, request.Aborted);
        if (following)
        {
            var followed = await request.Service<FollowService>().FollowedAmongAsync(request.CurrentAccount.Id, found.Select(a => a.Id), request.Aborted);
            found = found.Where(a => followed.Contains(a.Id)).Skip(offset).Take(limit).ToList();
        }

        var mapper = request.Service<EntityMapper>();
        await request.Json(found.Select(mapper.ToAccount).ToList(), MastodonJsonContext.Default.ListAccount);
    }
}
