using Serverless.Core.OAuth;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary><c>/oauth/token</c> and <c>/oauth/revoke</c>.</summary>
public static class TokensEndpoints
{
    /// <summary>
    /// <c>POST /oauth/token</c>. Supports <c>client_credentials</c> (an app token, as used for
    /// sign-up). The <c>authorization_code</c> grant arrives with the sign-in page.
    /// </summary>
    public static async Task Create(ApiRequest request)
    {
        var oauth = request.Service<OAuthService>();
        var grantType = request.Params.GetString("grant_type");
        var (clientId, clientSecret) = ClientCredentials(request);
        var app = await oauth.FindApplicationAsync(clientId, request.Aborted);
        if (app is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(app.ClientSecret), System.Text.Encoding.UTF8.GetBytes(clientSecret ?? "")))
        {
            throw new ApiException(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        }

        // As in Mastodon (Doorkeeper), a token without an explicit scope gets "read" only.
        var scopes = Scopes.Parse(request.Params.GetString("scope"));
        if (!Scopes.AllCovered(app.Scopes, scopes))
        {
            throw new ApiException(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
        }

        switch (grantType)
        {
            case "client_credentials":
                var (token, record) = await oauth.IssueTokenAsync(app, accountId: null, scopes, request.Aborted);
                await request.Json(new Token(token, "Bearer", string.Join(' ', record.Scopes), record.CreatedAt.ToUnixTimeSeconds()), MastodonJsonContext.Default.Token);
                return;
            case null or "":
                throw new ApiException(400, "invalid_request", "The request is missing a required parameter: grant_type.");
            default:
                throw new ApiException(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }
    }

    /// <summary><c>POST /oauth/revoke</c>: always 200, as RFC 7009 asks, once the client is known.</summary>
    public static async Task Revoke(ApiRequest request)
    {
        var oauth = request.Service<OAuthService>();
        var (clientId, clientSecret) = ClientCredentials(request);
        var app = await oauth.FindApplicationAsync(clientId, request.Aborted);
        if (app is null || app.ClientSecret != clientSecret)
        {
            throw new ApiException(403, "unauthorized_client", "You are not authorized to revoke this token");
        }

        if (request.Params.GetString("token") is { Length: > 0 } token)
        {
            await oauth.RevokeAsync(token, app.ClientId, request.Aborted);
        }

        await request.Raw("{}", "application/json; charset=utf-8");
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

        return (request.Params.GetString("client_id"), request.Params.GetString("client_secret"));
    }
}
