using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.OAuth;

/// <summary>The sign-in and consent pages: sessions, force_login, denial, anti-forgery, approval and request errors.</summary>
public sealed class AuthorizationPageTests : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:5999/callback";
    private StandaloneServer _server = null!;
    private JsonObject _alice = null!;

    public async Task InitializeAsync()
    {
        _server = await StandaloneServer.StartAsync();
        (_, _alice) = await _server.SignUpAsync("alice");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_signed_in_browser_goes_straight_to_consent_unless_force_login()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        await browser.SignInToConsentAsync(OAuthBrowser.AuthorizeUrl(app), "alice");

        var again = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read"));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains("id=\"consent\"", again.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"password\"", again.Html, StringComparison.Ordinal);

        var forced = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read", forceLogin: true));
        Assert.Equal(HttpStatusCode.OK, forced.Status);
        Assert.Contains("type=\"password\"", forced.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"consent\"", forced.Html, StringComparison.Ordinal);

        // Signing in again (here as another account) leads to consent for that account.
        await _server.SignUpAsync("bob");
        var afterSignIn = await browser.SignInAsync(forced, "bob");
        Assert.Equal(HttpStatusCode.SeeOther, afterSignIn.Status);
        Assert.DoesNotContain("force_login", afterSignIn.Location!.OriginalString, StringComparison.Ordinal);
        var consent = await browser.GetAsync(afterSignIn.Location.OriginalString);
        Assert.StartsWith("@bob@", consent.Element("account"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deny_redirects_with_access_denied_and_the_state()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var consent = await browser.SignInToConsentAsync(OAuthBrowser.AuthorizeUrl(app, state: "s-1"), "alice");
        var denied = await browser.DecideAsync(consent, "deny");
        Assert.Equal(HttpStatusCode.Found, denied.Status);
        Assert.StartsWith(Callback + "?", denied.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("access_denied", OAuthBrowser.QueryValue(denied.Location, "error"));
        Assert.Equal("s-1", OAuthBrowser.QueryValue(denied.Location, "state"));
        Assert.Null(OAuthBrowser.QueryValue(denied.Location, "code"));
    }

    [Fact]
    public async Task Posts_without_the_anti_forgery_token_of_this_browser_are_refused()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        var form = signIn.Form("sign-in");
        form["login"] = "alice";
        form["password"] = OAuthBrowser.Password;

        var withoutToken = new Dictionary<string, string>(form);
        withoutToken.Remove("authenticity_token");
        var refused = await browser.PostFormAsync(withoutToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.NotNull(refused.Element("invalid-form"));

        var tampered = new Dictionary<string, string>(form) { ["authenticity_token"] = form["authenticity_token"] + "x" };
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostFormAsync(tampered)).Status);

        // A token is tied to the cookie of the browser it was given to: another browser cannot replay it.
        using var attacker = new OAuthBrowser(_server);
        await attacker.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        Assert.Equal(HttpStatusCode.Forbidden, (await attacker.PostFormAsync(form)).Status);

        // The genuine form still works.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PostFormAsync(form)).Status);
    }

    [Fact]
    public async Task Wrong_passwords_show_the_form_again_without_a_session()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        var failed = await browser.SignInAsync(signIn, "alice", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, failed.Status);
        Assert.Contains("Invalid", failed.Element("error"), StringComparison.Ordinal);
        Assert.Equal("alice", failed.Form("sign-in")["login"]);

        var unknown = await browser.SignInAsync(signIn, "nobody@example.com", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(failed.Element("error"), unknown.Element("error"));

        var again = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        Assert.Contains("type=\"password\"", again.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_pending_approval_get_a_page_and_no_code()
    {
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var id = _alice["id"]!.GetValue<string>();
        await store.PatchAsync(Containers.Users, id, id, [PatchOperation.Set("/approved", JsonValue.Create(false))], ifMatch: null, default);

        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        var pending = await browser.SignInAsync(signIn, "alice");
        Assert.Equal(HttpStatusCode.Forbidden, pending.Status);
        Assert.Contains("pending approval", pending.Element("pending-approval"), StringComparison.Ordinal);
        Assert.Null(pending.Location);
        Assert.DoesNotContain(browser.Cookies.GetCookies(new Uri(_server.Client.BaseAddress!, "/oauth/authorize")), c => c.Name == "_serverless_session");
    }

    [Fact]
    public async Task Bad_requests_redirect_with_an_error_or_show_one()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback + "\nurn:ietf:wg:oauth:2.0:oob", scopes: "read write");
        using var browser = new OAuthBrowser(_server);

        var unknownClient = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app with { ClientId = "nope" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.Status);
        Assert.Equal("invalid_client", unknownClient.Element("error-code"));

        var scope = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read follow", state: "st"));
        Assert.Equal(HttpStatusCode.Found, scope.Status);
        Assert.Equal("invalid_scope", OAuthBrowser.QueryValue(scope.Location!, "error"));
        Assert.Equal("st", OAuthBrowser.QueryValue(scope.Location!, "state"));

        var plain = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read", challenge: "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", method: "plain"));
        Assert.Equal(HttpStatusCode.Found, plain.Status);
        Assert.Equal("invalid_request", OAuthBrowser.QueryValue(plain.Location!, "error"));
        Assert.Contains("S256", OAuthBrowser.QueryValue(plain.Location!, "error_description"), StringComparison.Ordinal);

        var token = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read").Replace("response_type=code", "response_type=token", StringComparison.Ordinal));
        Assert.Equal("unsupported_response_type", OAuthBrowser.QueryValue(token.Location!, "error"));

        // Out-of-band errors are shown, as there is nowhere to redirect to.
        var oob = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, scope: "admin:read", redirectUri: "urn:ietf:wg:oauth:2.0:oob"));
        Assert.Equal(HttpStatusCode.BadRequest, oob.Status);
        Assert.Equal("invalid_scope", oob.Element("error-code"));
    }

    [Fact]
    public async Task Pages_cannot_be_framed_or_cached_and_cookies_are_http_only()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        Assert.Contains("frame-ancestors 'none'", signIn.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", signIn.Headers["X-Frame-Options"]);
        Assert.Equal("no-store", signIn.Headers["Cache-Control"]);
        Assert.False(signIn.Headers.ContainsKey("Access-Control-Allow-Origin"));
        Assert.Contains("httponly", signIn.Headers["Set-Cookie"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", signIn.Headers["Set-Cookie"], StringComparison.OrdinalIgnoreCase);

        var afterSignIn = await browser.SignInAsync(signIn, "alice");
        var session = afterSignIn.Headers["Set-Cookie"].Split('\n').Single(c => c.StartsWith("_serverless_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase); // LOCAL_HTTPS=false in tests
    }
}
