using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>GET /api/v1/accounts/familiar_followers?id[]=…</c>: for each account, the accounts you follow that follow it.</summary>
public static class FamiliarFollowersEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var accounts = request.Service<AccountService>();
        var ids = AccountsResponses.Ids(request);
        var targets = await accounts.GetManyAsync(ids, request.Aborted);
        var familiar = await request.Service<FollowService>().FamiliarFollowersAsync(request.CurrentAccount, targets, request.Aborted);
        var known = (await accounts.GetManyAsync(familiar.Values.SelectMany(v => v), request.Aborted))
            .Where(a => !a.HideCollections)
            .ToDictionary(a => a.Id, StringComparer.Ordinal);
        var mapper = request.Service<EntityMapper>();
        var result = targets
            .Select(t => new FamiliarFollowers(t.Id, familiar[t.Id].Where(known.ContainsKey).Select(id => mapper.ToAccount(known[id])).ToList()))
            .ToList();
        await request.Json(result, AccountsJsonContext.Default.ListFamiliarFollowers);
    }
}
