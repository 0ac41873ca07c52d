using Microsoft.AspNetCore.Http;
using Serverless.Core.OAuth;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary>
/// A validated request to <c>/oauth/authorize</c>: the app, a redirect URI it registered, the scopes
/// (within the app's), the state and the PKCE challenge. The sign-in and consent forms carry the same
/// fields, and every post is validated again.
/// </summary>
internal sealed record AuthorizationRequest(
    ApplicationRecord App,
    string RedirectUri,
    IReadOnlyList<string> Scopes,
    string? State,
    string? CodeChallenge,
    string? CodeChallengeMethod,
    bool ForceLogin)
{
    public bool IsOutOfBand => RedirectUri == OAuthService.OutOfBand;

    /// <summary>The fields the forms carry to the next step.</summary>
    public IEnumerable<(string Name, string Value)> Fields()
    {
        yield return ("client_id", App.ClientId);
        yield return ("redirect_uri", RedirectUri);
        yield return ("response_type", "code");
        yield return ("scope", string.Join(' ', Scopes));
        if (State is not null)
        {
            yield return ("state", State);
        }

        if (CodeChallenge is not null)
        {
            yield return ("code_challenge", CodeChallenge);
            yield return ("code_challenge_method", CodeChallengeMethod ?? Pkce.S256);
        }
    }

    /// <summary>This request as a relative <c>/oauth/authorize</c> URL.</summary>
    public string AuthorizeUrl(bool forceLogin)
    {
        var query = Fields().Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)).ToList();
        if (forceLogin)
        {
            query.Add(new("force_login", "true"));
        }

        return "/oauth/authorize" + QueryString.Create(query);
    }

    /// <summary>The client's redirect URI with the response parameters (and the state) added to its query.</summary>
    public string RedirectWith(params (string Name, string Value)[] parameters)
    {
        var pairs = parameters.ToList();
        if (State is not null)
        {
            pairs.Add(("state", State));
        }

        var query = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return RedirectUri + (RedirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    /// <summary>
    /// Validates the request as Doorkeeper does, in its order. When invalid, the answer is already
    /// written and null returned: an error page while the client or redirect URI cannot be trusted
    /// (or for the out-of-band URI), otherwise a redirect to the client with <c>error</c>.
    /// </summary>
    public static async Task<AuthorizationRequest?> ReadAsync(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = request.Params;
        var app = await request.Service<OAuthService>().FindApplicationAsync(parameters.GetString("client_id"), request.Aborted);
        if (app is null)
        {
            await ErrorPageAsync(request, "invalid_client", OAuthErrors.InvalidClient);
            return null;
        }

        var redirectUri = parameters.GetString("redirect_uri");
        if (!OAuthService.IsRegisteredRedirectUri(app, redirectUri))
        {
            await ErrorPageAsync(request, "invalid_redirect_uri", OAuthErrors.InvalidRedirectUri);
            return null;
        }

        var state = parameters.GetString("state");
        var partial = new AuthorizationRequest(app, redirectUri!, [], string.IsNullOrEmpty(state) ? null : state, null, null, false);
        if (state is { Length: > 2000 })
        {
            await RedirectErrorAsync(request, partial with { State = null }, "invalid_request", "The state parameter is too long.");
            return null;
        }

        var responseType = parameters.GetString("response_type");
        if (string.IsNullOrEmpty(responseType))
        {
            await RedirectErrorAsync(request, partial, "invalid_request", "Missing required parameter: response_type.");
            return null;
        }

        if (responseType != "code")
        {
            await RedirectErrorAsync(request, partial, "unsupported_response_type", OAuthErrors.UnsupportedResponseType);
            return null;
        }

        var scopes = Core.OAuth.Scopes.Parse(parameters.GetString("scope"));
        if (scopes.Any(s => !Core.OAuth.Scopes.IsKnown(s)) || !Core.OAuth.Scopes.AllCovered(app.Scopes, scopes))
        {
            await RedirectErrorAsync(request, partial, "invalid_scope", OAuthErrors.InvalidScope);
            return null;
        }

        // PKCE: optional, as in Mastodon, but S256 only ("plain" would expose the verifier).
        var challenge = parameters.GetString("code_challenge");
        var method = parameters.GetString("code_challenge_method");
        if (!string.IsNullOrEmpty(challenge) && method != Pkce.S256)
        {
            await RedirectErrorAsync(request, partial, "invalid_request", "The code challenge method must be S256.");
            return null;
        }

        if (challenge is { Length: > 128 })
        {
            await RedirectErrorAsync(request, partial, "invalid_request", "The code challenge is malformed.");
            return null;
        }

        return partial with
        {
            Scopes = scopes,
            CodeChallenge = string.IsNullOrEmpty(challenge) ? null : challenge,
            CodeChallengeMethod = string.IsNullOrEmpty(challenge) ? null : Pkce.S256,
            ForceLogin = IsTruthy(parameters.GetString("force_login")),
        };
    }

    /// <summary>Rails' boolean cast, as Mastodon reads <c>force_login</c>: anything but a false-like value is true.</summary>
    private static bool IsTruthy(string? value) =>
        value is not null && value.Trim().ToLowerInvariant() is not ("" or "0" or "f" or "false" or "off" or "no" or "n");

    public static Task ErrorPageAsync(ApiRequest request, string error, string description) =>
        BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status400BadRequest, nonce => OAuthPages.Error(request.Instance.Title, error, description, nonce));

    /// <summary>Sends an error back to the client, or shows it when the redirect URI is out-of-band.</summary>
    public static Task RedirectErrorAsync(ApiRequest request, AuthorizationRequest authorization, string error, string description)
    {
        if (authorization.IsOutOfBand)
        {
            return ErrorPageAsync(request, error, description);
        }

        BrowserSecurity.Redirect(request, authorization.RedirectWith(("error", error), ("error_description", description)));
        return Task.CompletedTask;
    }
}

/// <summary>Doorkeeper's error descriptions, which clients show and some match on.</summary>
internal static class OAuthErrors
{
    public const string InvalidClient = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";
    public const string InvalidRedirectUri = "The redirect uri included is not valid.";
    public const string InvalidScope = "The requested scope is invalid, unknown, or malformed.";
    public const string InvalidGrant = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
    public const string UnsupportedResponseType = "The authorization server does not support this response type.";
    public const string UnsupportedGrantType = "The authorization grant type is not supported by the authorization server.";
    public const string AccessDenied = "The resource owner or authorization server denied the request.";
}
