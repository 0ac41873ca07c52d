using Serverless.Core.OAuth;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/apps</c>: client registration.</summary>
public static class AppsEndpoints
{
    /// <summary><c>POST /api/v1/apps</c>: register a client; the response carries its id and secret.</summary>
    public static async Task Create(ApiRequest request)
    {
        // redirect_uris may be one string (newline-separated) or, in newer clients, an array.
        var redirectUris = string.Join('\n', request.Params.GetStrings("redirect_uris"));
        var app = await request.Service<OAuthService>().CreateApplicationAsync(
            request.Params.GetString("client_name") ?? "",
            redirectUris,
            request.Params.GetString("scopes"),
            request.Params.GetString("website"),
            request.Aborted);
        await request.Json(ToEntity(app, withSecret: true), MastodonJsonContext.Default.Application);
    }

    /// <summary><c>GET /api/v1/apps/verify_credentials</c>: the app behind the token.</summary>
    public static async Task VerifyCredentials(ApiRequest request)
    {
        var app = await request.Service<OAuthService>().FindApplicationAsync(request.Token?.ClientId, request.Aborted)
            ?? throw ApiException.Unauthorized();
        await request.Json(ToEntity(app, withSecret: false), MastodonJsonContext.Default.Application);
    }

    public static Application ToEntity(ApplicationRecord app, bool withSecret)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Application
        {
            Id = app.Id,
            Name = app.Name,
            Website = app.Website,
            Scopes = [.. app.Scopes],
            RedirectUris = [.. app.RedirectUris],
            RedirectUri = string.Join('\n', app.RedirectUris),
            ClientId = withSecret ? app.ClientId : null,
            ClientSecret = withSecret ? app.ClientSecret : null,
            ClientSecretExpiresAt = withSecret ? 0 : null,
        };
    }
}
