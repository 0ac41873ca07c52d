using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>/api/v1/accounts/verify_credentials</c>: the signed-in account, with its <c>source</c>.</summary>
public static class CredentialsEndpoints
{
    public static Task Show(ApiRequest request) =>
        request.Json(request.Service<EntityMapper>().ToCredentialAccount(request.CurrentAccount, request.CurrentUser), MastodonJsonContext.Default.CredentialAccount);
}
