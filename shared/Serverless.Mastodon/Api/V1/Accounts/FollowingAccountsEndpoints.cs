using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>GET /api/v1/accounts/:id/following</c>: most recently followed first, paged through <c>Link</c> on the follow ids.</summary>
public static class FollowingAccountsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var account = await request.Service<AccountService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        if (account.HideCollections && request.Account?.Id != account.Id)
        {
            await AccountsResponses.WriteAccountsAsync(request, [], e => e.TargetAccountId);
            return;
        }

        var edges = await request.Service<FollowService>().FollowingAsync(account.Id, request.Page(defaultLimit: 40, maxLimit: 80), request.Aborted);
        await AccountsResponses.WriteAccountsAsync(request, edges, e => e.TargetAccountId);
    }
}
