using Serverless.Core.Accounts;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>GET /api/v1/accounts/lookup?acct=</c>: an account by its handle, without WebFinger (local accounts for now).</summary>
public static class AccountLookupEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var acct = request.Params.GetString("acct");
        var accounts = request.Service<AccountService>();
        var account = (string.IsNullOrWhiteSpace(acct) ? null : await accounts.LookupAsync(acct, request.Aborted)) ?? throw ApiException.NotFound();
        var moved = await MovedAccounts.TargetAsync(accounts, account, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToAccount(account, moved), MastodonJsonContext.Default.Account);
    }
}
