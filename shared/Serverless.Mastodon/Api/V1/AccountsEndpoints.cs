using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.OAuth;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/accounts</c>: sign-up and profiles.</summary>
public static class AccountsEndpoints
{
    /// <summary><c>POST /api/v1/accounts</c>: sign up with an app token; answers with the new user's token.</summary>
    public static async Task Create(ApiRequest request)
    {
        if (request.Instance.RegistrationsMode == RegistrationsMode.Closed)
        {
            throw new ApiException(403, "Registrations are not open on this server");
        }

        var oauth = request.Service<OAuthService>();
        var app = await oauth.FindApplicationAsync(request.Token?.ClientId, request.Aborted) ?? throw ApiException.Unauthorized();
        var (account, _) = await request.Service<AccountService>().RegisterAsync(
            new AccountService.Registration(
                request.Params.GetString("username") ?? "",
                request.Params.GetString("email") ?? "",
                request.Params.GetString("password") ?? "",
                request.Params.GetBool("agreement") ?? false,
                request.Params.GetString("locale") is { Length: > 0 } locale ? locale : "en",
                request.Params.GetString("reason")),
            request.Aborted);

        var (token, record) = await oauth.IssueTokenAsync(app, account.Id, request.Token!.Scopes, request.Aborted);
        await request.Json(new Token(token, "Bearer", string.Join(' ', record.Scopes), record.CreatedAt.ToUnixTimeSeconds()), MastodonJsonContext.Default.Token);
    }

    /// <summary><c>GET /api/v1/accounts/:id</c>.</summary>
    public static async Task Show(ApiRequest request)
    {
        var account = await request.Service<AccountService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        await request.Json(request.Service<EntityMapper>().ToAccount(account), MastodonJsonContext.Default.Account);
    }
}
