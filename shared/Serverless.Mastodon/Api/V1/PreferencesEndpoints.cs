using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/preferences</c>: posting defaults (set through <c>update_credentials</c>'s <c>source</c>) and reading preferences.</summary>
public static class PreferencesEndpoints
{
    public static Task Show(ApiRequest request)
    {
        var user = request.CurrentUser;
        return request.Json(
            new Preferences
            {
                PostingDefaultVisibility = user.DefaultVisibility,
                PostingDefaultSensitive = user.DefaultSensitive,
                PostingDefaultLanguage = user.DefaultLanguage,
            },
            AccountsJsonContext.Default.Preferences);
    }
}
