using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.OAuth;
using Serverless.Core.Security;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.OAuth;

/// <summary>The authorization-code flow over HTTP, as a browser and a client app drive it.</summary>
public sealed class AuthorizationCodeFlowTests : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:5999/callback";
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await StandaloneServer.StartAsync();
        await _server.SignUpAsync("alice");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pkce_flow_without_a_client_secret_signs_the_user_in()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback, name: "Phanpy <test>");
        var (verifier, challenge) = OAuthBrowser.NewPkce();
        using var browser = new OAuthBrowser(_server);

        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, state: "xyz 123", challenge: challenge));
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.StartsWith("text/html", signIn.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("Phanpy &lt;test&gt;", signIn.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Phanpy <test>", signIn.Html, StringComparison.Ordinal);

        var afterSignIn = await browser.SignInAsync(signIn, "alice@example.com");
        Assert.Equal(HttpStatusCode.SeeOther, afterSignIn.Status);
        var consent = await browser.GetAsync(afterSignIn.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, consent.Status);
        Assert.Contains("Change everything in your account", consent.Html, StringComparison.Ordinal);
        Assert.Equal("@alice@" + _server.Client.BaseAddress!.Authority, consent.Element("account"));

        var approved = await browser.DecideAsync(consent, "approve");
        Assert.Equal(HttpStatusCode.Found, approved.Status);
        var redirect = approved.Location!;
        Assert.StartsWith(Callback + "?", redirect.ToString(), StringComparison.Ordinal);
        Assert.Equal("xyz 123", OAuthBrowser.QueryValue(redirect, "state"));
        var code = OAuthBrowser.QueryValue(redirect, "code")!;

        var (status, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = verifier,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal("read write follow", token["scope"]!.GetValue<string>());

        using var client = _server.Authorized(token["access_token"]!.GetValue<string>());
        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials");
        Assert.Equal("alice", me!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_secret_flow_with_a_username_and_a_custom_scheme()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, "com.example.app:/oauth\n" + Callback, scopes: "read write");
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app, scope: "read"), "alice");
        Assert.StartsWith("com.example.app:/oauth?code=", redirect.OriginalString, StringComparison.Ordinal);

        var (status, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
            ["redirect_uri"] = "com.example.app:/oauth",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read", token["scope"]!.GetValue<string>());

        // A read-only token cannot post.
        using var client = _server.Authorized(token["access_token"]!.GetValue<string>());
        using var post = await client.PostAsJsonAsync("/api/v1/statuses", new JsonObject { ["status"] = "hi" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task Out_of_band_shows_the_code_on_a_page()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, OAuthService.OutOfBand);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        Assert.StartsWith("/oauth/authorize/native?code=", redirect.OriginalString, StringComparison.Ordinal);

        var page = await browser.GetAsync(redirect.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var code = page.Value("authorization-code");
        Assert.False(string.IsNullOrEmpty(code));

        var (status, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = code!,
            ["redirect_uri"] = OAuthService.OutOfBand,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(token["access_token"]);
    }

    [Fact]
    public async Task A_redirect_uri_the_app_did_not_register_is_refused()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback + "\nhttp://127.0.0.1:5999/other");
        using var browser = new OAuthBrowser(_server);

        // At the authorization endpoint: an error page, never a redirect to the unknown URI.
        var page = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app, redirectUri: "https://evil.example/steal"));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Null(page.Location);
        Assert.Equal("invalid_redirect_uri", page.Element("error-code"));

        // At the token endpoint: the code only works with the redirect URI it was issued for.
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        var (status, error) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
            ["redirect_uri"] = "http://127.0.0.1:5999/other",
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        Assert.NotNull(error["error_description"]);
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        var exchange = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
            ["redirect_uri"] = Callback,
        };
        Assert.Equal(HttpStatusCode.OK, (await OAuthBrowser.ExchangeAsync(_server, exchange)).Status);
        var (status, error) = await OAuthBrowser.ExchangeAsync(_server, exchange);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_code_verifier_or_a_missing_client_proof_is_refused()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        var (_, challenge) = OAuthBrowser.NewPkce();
        var (otherVerifier, _) = OAuthBrowser.NewPkce();
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app, challenge: challenge), "alice");
        var code = OAuthBrowser.QueryValue(redirect, "code")!;

        // Neither a secret nor a verifier: the client has not proved anything.
        var (noProof, noProofError) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Callback,
        });
        Assert.Equal(HttpStatusCode.Unauthorized, noProof);
        Assert.Equal("invalid_client", noProofError["error"]!.GetValue<string>());

        var (status, error) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Callback,
            ["code_verifier"] = otherVerifier,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        var code = OAuthBrowser.QueryValue(redirect, "code")!;

        // Age the stored code past its ten minutes.
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var key = AuthorizationCodeRecord.Key(Secrets.Hash(code));
        var doc = await store.ReadAsync(Containers.OAuth, key, key, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, default);
        Assert.NotNull(doc);
        Assert.Equal(OAuthService.AuthorizationCodeLifetime, doc.Value.ExpiresAt - doc.Value.CreatedAt);
        var aged = doc.Value with { CreatedAt = doc.Value.CreatedAt.AddMinutes(-11), ExpiresAt = doc.Value.ExpiresAt.AddMinutes(-11) };
        await store.ReplaceAsync(Containers.OAuth, key, key, aged, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, doc.ETag, default);

        var (status, error) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = code,
            ["redirect_uri"] = Callback,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Codes_and_tokens_are_stored_only_as_hashes()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        var code = OAuthBrowser.QueryValue(redirect, "code")!;
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var byHash = AuthorizationCodeRecord.Key(Secrets.Hash(code));
        Assert.NotNull(await store.ReadAsync(Containers.OAuth, byHash, byHash, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, default));
        var byCode = AuthorizationCodeRecord.Key(code);
        Assert.Null(await store.ReadAsync(Containers.OAuth, byCode, byCode, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, default));

        var session = browser.Cookies.GetCookies(new Uri(_server.Client.BaseAddress!, "/oauth/authorize")).First(c => c.Name == "_serverless_session").Value;
        var sessionByHash = SignInSessionRecord.Key(Secrets.Hash(session));
        Assert.NotNull(await store.ReadAsync(Containers.OAuth, sessionByHash, sessionByHash, OAuthStoreJsonContext.Default.SignInSessionRecord, default));
    }
}
