using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>GET /api/v1/accounts/:id/followers</c>: newest follower first, paged through <c>Link</c> on the follow ids.</summary>
public static class FollowerAccountsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var account = await request.Service<AccountService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        if (account.HideCollections && request.Account?.Id != account.Id)
        {
            // Mastodon answers an empty list rather than an error for hidden collections.
            await AccountsResponses.WriteAccountsAsync(request, [], e => e.AccountId);
            return;
        }

        var edges = await request.Service<FollowService>().FollowersAsync(account.Id, request.Page(defaultLimit: 40, maxLimit: 80), request.Aborted);
        await AccountsResponses.WriteAccountsAsync(request, edges, e => e.AccountId);
    }
}
