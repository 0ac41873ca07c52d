using Serverless.Core.Accounts;
using Serverless.Core.OAuth;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary><c>/oauth/token</c> and <c>/oauth/revoke</c>, with errors in OAuth's shape (<c>{"error": …, "error_description": …}</c>).</summary>
public static class TokensEndpoints
{
    /// <summary>
    /// <c>POST /oauth/token</c>, with the grants Mastodon enables: <c>authorization_code</c> (with the
    /// client secret, or with only a PKCE <c>code_verifier</c> as public clients such as Phanpy send)
    /// and <c>client_credentials</c> (an app token, as used for sign-up). Mastodon 4.3 removed the
    /// <c>password</c> grant, so it is refused like any unknown grant.
    /// </summary>
    public static async Task Create(ApiRequest request)
    {
        // RFC 6749 §5.1: token responses (and their errors) are never cached.
        request.Http.Response.Headers.CacheControl = "no-store";
        request.Http.Response.Headers.Pragma = "no-cache";

        var grantType = request.Params.GetString("grant_type");
        switch (grantType)
        {
            case "authorization_code":
                await AuthorizationCodeAsync(request);
                return;
            case "client_credentials":
                await ClientCredentialsAsync(request);
                return;
            case null or "":
                throw new ApiException(400, "invalid_request", "Missing required parameter: grant_type.");
            default:
                throw new ApiException(400, "unsupported_grant_type", OAuthErrors.UnsupportedGrantType);
        }
    }

    private static async Task ClientCredentialsAsync(ApiRequest request)
    {
        var oauth = request.Service<OAuthService>();
        var (clientId, clientSecret) = ClientCredentials(request);
        var app = await oauth.FindApplicationAsync(clientId, request.Aborted);
        if (app is null || !OAuthService.SecretMatches(app, clientSecret))
        {
            throw InvalidClient();
        }

        // As in Mastodon (Doorkeeper), a token without an explicit scope gets "read" only.
        var scopes = Scopes.Parse(request.Params.GetString("scope"));
        if (!Scopes.AllCovered(app.Scopes, scopes))
        {
            throw new ApiException(400, "invalid_scope", OAuthErrors.InvalidScope);
        }

        var (token, record) = await oauth.IssueTokenAsync(app, accountId: null, scopes, request.Aborted);
        await WriteTokenAsync(request, token, record);
    }

    private static async Task AuthorizationCodeAsync(ApiRequest request)
    {
        var oauth = request.Service<OAuthService>();
        var (clientId, clientSecret) = ClientCredentials(request);
        var codeVerifier = request.Params.GetString("code_verifier");
        var app = await oauth.FindApplicationAsync(clientId, request.Aborted);

        // A confidential client proves itself with its secret; a public one (no secret sent) only
        // through PKCE, which the code's challenge then checks.
        if (app is null || (clientSecret is not null ? !OAuthService.SecretMatches(app, clientSecret) : string.IsNullOrEmpty(codeVerifier)))
        {
            throw InvalidClient();
        }

        var code = request.Params.GetString("code");
        if (string.IsNullOrEmpty(code))
        {
            throw new ApiException(400, "invalid_request", "Missing required parameter: code.");
        }

        var grant = await oauth.RedeemAuthorizationCodeAsync(code, app.ClientId, request.Params.GetString("redirect_uri"), codeVerifier, request.Aborted)
            ?? throw new ApiException(400, "invalid_grant", OAuthErrors.InvalidGrant);

        // The account may have gone, or lost its approval, since the code was issued.
        var accounts = request.Service<AccountService>();
        var user = await accounts.GetUserAsync(grant.AccountId, request.Aborted);
        if (user is not { Approved: true })
        {
            throw new ApiException(400, "invalid_grant", OAuthErrors.InvalidGrant);
        }

        var (token, record) = await oauth.IssueTokenAsync(app, grant.AccountId, grant.Scopes, request.Aborted);
        await WriteTokenAsync(request, token, record);
    }

    private static Task WriteTokenAsync(ApiRequest request, string token, AccessTokenRecord record) =>
        request.Json(new Token(token, "Bearer", string.Join(' ', record.Scopes), record.CreatedAt.ToUnixTimeSeconds()), MastodonJsonContext.Default.Token);

    private static ApiException InvalidClient() => new(401, "invalid_client", OAuthErrors.InvalidClient);

    /// <summary>
    /// <c>POST /oauth/revoke</c>: 200 <c>{}</c> once the client authenticates, also for unknown or
    /// already revoked tokens (RFC 7009); 403 <c>unauthorized_client</c> for a bad client or a token
    /// issued to another client, as Mastodon answers.
    /// </summary>
    public static async Task Revoke(ApiRequest request)
    {
        var oauth = request.Service<OAuthService>();
        var (clientId, clientSecret) = ClientCredentials(request);
        var app = await oauth.FindApplicationAsync(clientId, request.Aborted);
        if (app is null || !OAuthService.SecretMatches(app, clientSecret))
        {
            throw Unauthorized();
        }

        if (request.Params.GetString("token") is { Length: > 0 } token && !await oauth.RevokeAsync(token, app.ClientId, request.Aborted))
        {
            throw Unauthorized();
        }

        await request.Raw("{}", "application/json; charset=utf-8");

        static ApiException Unauthorized() => new(403, "unauthorized_client", "You are not authorized to revoke this token");
    }

    /// <summary>Client credentials from the body, or from HTTP Basic auth as RFC 6749 also allows.</summary>
    private static (string? ClientId, string? ClientSecret) ClientCredentials(ApiRequest request)
    {
        var header = request.Http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                // Fall through to the body's credentials.
            }
        }

        return (request.Params.GetString("client_id"), request.Params.GetString("client_secret") is { Length: > 0 } secret ? secret : null);
    }
}
