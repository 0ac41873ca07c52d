using Serverless.Mastodon.Http;
using Serverless.Mastodon.OAuth;

namespace Serverless.Mastodon;

public static partial class Routes
{
    /// <summary>The authorization-code flow's pages, user info and the authorization server metadata (token and revoke are in <see cref="Core"/>).</summary>
    static partial void MapOAuth(RouteTable table) => table
        .Get("/oauth/authorize", AuthorizationsEndpoints.Show)
        .Post("/oauth/authorize", AuthorizationsEndpoints.Create)
        .Get("/oauth/authorize/native", AuthorizationsEndpoints.Native)
        .Get("/oauth/userinfo", UserinfoEndpoints.Show, Authentication.User, "profile")
        .Post("/oauth/userinfo", UserinfoEndpoints.Show, Authentication.User, "profile")
        .Get("/.well-known/oauth-authorization-server", MetadataEndpoints.Show);
}
