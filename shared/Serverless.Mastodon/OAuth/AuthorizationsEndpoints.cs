using System.Globalization;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Accounts;
using Serverless.Core.OAuth;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary>
/// <c>/oauth/authorize</c>: the sign-in and consent pages of the authorization-code flow, as
/// Mastodon serves them (Doorkeeper's authorizations controller behind Devise's sign-in).
/// </summary>
/// <remarks>
/// GET shows the sign-in form, or the consent form when the browser is already signed in (unless
/// <c>force_login</c>). The forms post back here with a signed anti-forgery token: a sign-in starts
/// a session and redirects to the consent page; approving redirects to the client with a code
/// (or shows it, for the out-of-band URI); denying redirects with <c>error=access_denied</c>.
/// </remarks>
public static class AuthorizationsEndpoints
{
    private const string SignInStep = "sign_in";
    private const string ConsentStep = "consent";

    /// <summary><c>GET /oauth/authorize</c>.</summary>
    public static async Task Show(ApiRequest request)
    {
        var authorization = await AuthorizationRequest.ReadAsync(request);
        if (authorization is null)
        {
            return;
        }

        var signedIn = authorization.ForceLogin ? null : await SignedInAsync(request);
        if (signedIn is not { } who)
        {
            await SignInPageAsync(request, authorization, StatusCodes.Status200OK, error: null, login: null);
        }
        else if (!who.User.Approved)
        {
            await PendingPageAsync(request);
        }
        else
        {
            await ConsentPageAsync(request, authorization, who.Account);
        }
    }

    /// <summary><c>POST /oauth/authorize</c>: a sign-in, or a decision on the consent form.</summary>
    public static async Task Create(ApiRequest request)
    {
        if (!await BrowserSecurity.IsValidAntiForgeryTokenAsync(request))
        {
            await BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status403Forbidden, nonce => OAuthPages.Message(
                request.Instance.Title,
                "This form has expired",
                "The form was too old or did not come from this site. Go back, reload the page and try again.",
                nonce,
                "invalid-form"));
            return;
        }

        var authorization = await AuthorizationRequest.ReadAsync(request);
        if (authorization is null)
        {
            return;
        }

        if (request.Params.GetString("step") == SignInStep)
        {
            await SignInAsync(request, authorization);
            return;
        }

        var signedIn = await SignedInAsync(request);
        if (signedIn is not { } who)
        {
            await SignInPageAsync(request, authorization, StatusCodes.Status401Unauthorized, "Your sign-in has expired. Please sign in again.", login: null);
            return;
        }

        if (!who.User.Approved)
        {
            await PendingPageAsync(request);
            return;
        }

        switch (request.Params.GetString("decision"))
        {
            case "approve":
                var code = await request.Service<OAuthService>().CreateAuthorizationCodeAsync(
                    authorization.App, who.Account.Id, authorization.RedirectUri, authorization.Scopes, authorization.CodeChallenge, request.Aborted);
                BrowserSecurity.Redirect(request, authorization.IsOutOfBand
                    ? "/oauth/authorize/native" + QueryString.Create("code", code)
                    : authorization.RedirectWith(("code", code)));
                return;
            case "deny":
                if (authorization.IsOutOfBand)
                {
                    await BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status200OK, nonce => OAuthPages.Message(
                        request.Instance.Title, "Authorization denied", $"You denied {authorization.App.Name} access to your account.", nonce, "denied"));
                    return;
                }

                BrowserSecurity.Redirect(request, authorization.RedirectWith(("error", "access_denied"), ("error_description", OAuthErrors.AccessDenied)));
                return;
            default:
                await AuthorizationRequest.ErrorPageAsync(request, "invalid_request", "Choose Authorize or Deny.");
                return;
        }
    }

    /// <summary><c>GET /oauth/authorize/native</c>: where the out-of-band flow lands, showing the code to copy.</summary>
    public static Task Native(ApiRequest request)
    {
        var code = request.Params.GetString("code");
        return string.IsNullOrEmpty(code) || code.Length > 200
            ? AuthorizationRequest.ErrorPageAsync(request, "invalid_request", "Missing required parameter: code.")
            : BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status200OK, nonce => OAuthPages.Code(request.Instance.Title, code, nonce));
    }

    private static async Task SignInAsync(ApiRequest request, AuthorizationRequest authorization)
    {
        var login = request.Params.GetString("login");
        var result = await request.Service<SignInService>().SignInAsync(login, request.Params.GetString("password"), BrowserSecurity.ClientAddress(request), request.Aborted);
        switch (result.Outcome)
        {
            case SignInOutcome.Throttled:
                var wait = result.RetryAfter ?? SignInThrottle.Window;
                var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
                request.Http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status429TooManyRequests, nonce => OAuthPages.Message(
                    request.Instance.Title,
                    "Too many attempts",
                    string.Create(CultureInfo.InvariantCulture, $"Too many failed sign-in attempts. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}."),
                    nonce,
                    "throttled"));
                return;
            case SignInOutcome.InvalidCredentials:
                await SignInPageAsync(request, authorization, StatusCodes.Status401Unauthorized, "Invalid email address, username or password.", login);
                return;
        }

        if (!result.User!.Approved)
        {
            await PendingPageAsync(request);
            return;
        }

        var sessions = request.Service<SignInService>();
        await sessions.EndSessionAsync(BrowserSecurity.Cookie(request, BrowserSecurity.SessionCookie), request.Aborted);
        var token = await sessions.StartSessionAsync(result.Account!.Id, request.Aborted);
        BrowserSecurity.SetSessionCookie(request, token);

        // Post/redirect/get: the consent page is a GET, so reloading it never re-sends the password.
        BrowserSecurity.Redirect(request, authorization.AuthorizeUrl(forceLogin: false), StatusCodes.Status303SeeOther);
    }

    private static async Task<(AccountRecord Account, UserRecord User)?> SignedInAsync(ApiRequest request)
    {
        var session = await request.Service<SignInService>().FindSessionAsync(BrowserSecurity.Cookie(request, BrowserSecurity.SessionCookie), request.Aborted);
        if (session is null)
        {
            return null;
        }

        var accounts = request.Service<AccountService>();
        var account = await accounts.GetAsync(session.AccountId, request.Aborted);
        var user = account is null ? null : await accounts.GetUserAsync(account.Id, request.Aborted);
        return account is null || user is null ? null : (account, user);
    }

    private static async Task SignInPageAsync(ApiRequest request, AuthorizationRequest authorization, int status, string? error, string? login)
    {
        var token = await BrowserSecurity.IssueAntiForgeryTokenAsync(request);
        await BrowserSecurity.WriteHtmlAsync(request, status, nonce => OAuthPages.SignIn(request.Instance.Title, authorization, token, error, login, nonce));
    }

    private static async Task ConsentPageAsync(ApiRequest request, AuthorizationRequest authorization, AccountRecord account)
    {
        var token = await BrowserSecurity.IssueAntiForgeryTokenAsync(request);
        await BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status200OK, nonce => OAuthPages.Consent(request.Instance.Title, authorization, account, request.Instance.LocalDomain, token, nonce));
    }

    private static Task PendingPageAsync(ApiRequest request) =>
        BrowserSecurity.WriteHtmlAsync(request, StatusCodes.Status403Forbidden, nonce => OAuthPages.Message(
            request.Instance.Title,
            "Pending approval",
            "Your account is pending approval by the moderators of this server. You will be able to sign in to apps once it has been approved.",
            nonce,
            "pending-approval"));
}
