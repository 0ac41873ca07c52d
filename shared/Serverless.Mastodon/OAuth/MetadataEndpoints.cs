using Serverless.Core.OAuth;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary><c>GET /.well-known/oauth-authorization-server</c>: RFC 8414 metadata, as Mastodon 4.3+ serves it.</summary>
public static class MetadataEndpoints
{
    public static Task Show(ApiRequest request)
    {
        var baseUrl = request.Instance.BaseUrl;
        var metadata = new OAuthServerMetadata
        {
            Issuer = baseUrl + "/",
            ServiceDocumentation = "https://docs.joinmastodon.org/",
            AuthorizationEndpoint = baseUrl + "/oauth/authorize",
            TokenEndpoint = baseUrl + "/oauth/token",
            // Mastodon's own name: /api/v1/apps is not RFC 7591 dynamic registration.
            AppRegistrationEndpoint = baseUrl + "/api/v1/apps",
            RevocationEndpoint = baseUrl + "/oauth/revoke",
            UserinfoEndpoint = baseUrl + "/oauth/userinfo",
            ScopesSupported = Scopes.Supported,
            ResponseTypesSupported = ["code"],
            ResponseModesSupported = ["query", "fragment", "form_post"],
            CodeChallengeMethodsSupported = [Pkce.S256],
            GrantTypesSupported = ["authorization_code", "client_credentials"],
            TokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"],
        };
        return request.Json(metadata, OAuthJsonContext.Default.OAuthServerMetadata);
    }
}
