using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary><c>GET|POST /oauth/userinfo</c>: who the token's user is, for the <c>profile</c> scope (Mastodon 4.4+).</summary>
public static class UserinfoEndpoints
{
    public static Task Show(ApiRequest request)
    {
        var account = request.CurrentAccount;
        var baseUrl = request.Instance.BaseUrl;
        var userinfo = new OAuthUserinfo(
            baseUrl + "/",
            account.Uri,
            account.DisplayName,
            account.Username,
            account.Url,
            account.AvatarUrl ?? baseUrl + "/avatars/original/missing.png");
        return request.Json(userinfo, OAuthJsonContext.Default.OAuthUserinfo);
    }
}
