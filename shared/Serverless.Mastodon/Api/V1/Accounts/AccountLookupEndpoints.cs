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
        var account = string.IsNullOrWhiteSpace(acct) ? null : await request.Service<AccountService>().LookupAsync(acct, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToAccount(account ?? throw ApiException.NotFound()), MastodonJsonContext.Default.Account);
    }
}
