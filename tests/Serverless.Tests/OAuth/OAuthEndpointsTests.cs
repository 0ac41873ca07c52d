using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.OAuth;

/// <summary>The token endpoint's grants, revocation, user info and the authorization server metadata.</summary>
public sealed class OAuthEndpointsTests : IAsyncLifetime
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
    public async Task Metadata_describes_the_endpoints_as_Mastodon_does()
    {
        var metadata = await _server.Client.GetFromJsonAsync<JsonObject>("/.well-known/oauth-authorization-server");
        var baseUrl = _server.Client.BaseAddress!.ToString().TrimEnd('/');
        Assert.Equal(baseUrl + "/", metadata!["issuer"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/oauth/authorize", metadata["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/oauth/token", metadata["token_endpoint"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/oauth/revoke", metadata["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/api/v1/apps", metadata["app_registration_endpoint"]!.GetValue<string>());
        Assert.Equal(["S256"], Strings(metadata["code_challenge_methods_supported"]));
        Assert.Equal(["code"], Strings(metadata["response_types_supported"]));
        Assert.Equal(["authorization_code", "client_credentials"], Strings(metadata["grant_types_supported"]));
        Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(metadata["token_endpoint_auth_methods_supported"]));
        var scopes = Strings(metadata["scopes_supported"]);
        Assert.Equal(["read", "profile", "write", "follow", "push"], scopes.Take(5));
        Assert.Contains("write:statuses", scopes);
    }

    [Fact]
    public async Task The_password_grant_is_not_supported_as_in_Mastodon_4_3()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        var (status, error) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["username"] = "alice@example.com",
            ["password"] = OAuthBrowser.Password,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_credentials_still_work_and_check_the_client()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        var (ok, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["scope"] = "read write",
        });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("read write", token["scope"]!.GetValue<string>());

        var (bad, error) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = "wrong",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, bad);
        Assert.Equal("invalid_client", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Basic_authentication_works_for_the_code_exchange()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
                ["redirect_uri"] = Callback,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(app.ClientId + ":" + app.ClientSecret)));
        using var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Revoking_a_token_ends_it_and_only_its_client_may()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        var other = await OAuthBrowser.RegisterAppAsync(_server, Callback);
        using var browser = new OAuthBrowser(_server);
        var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app), "alice");
        var (_, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
            ["redirect_uri"] = Callback,
        });
        var accessToken = token["access_token"]!.GetValue<string>();

        var byOther = await RevokeAsync(other.ClientId, other.ClientSecret, accessToken);
        Assert.Equal(HttpStatusCode.Forbidden, byOther.Status);
        Assert.Equal("unauthorized_client", byOther.Body["error"]!.GetValue<string>());
        var badSecret = await RevokeAsync(app.ClientId, "wrong", accessToken);
        Assert.Equal(HttpStatusCode.Forbidden, badSecret.Status);

        using var client = _server.Authorized(accessToken);
        using (var before = await client.GetAsync("/api/v1/accounts/verify_credentials"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var revoked = await RevokeAsync(app.ClientId, app.ClientSecret, accessToken);
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Empty(revoked.Body);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(app.ClientId, app.ClientSecret, accessToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(app.ClientId, app.ClientSecret, "unknown-token")).Status);

        using var after = await client.GetAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Userinfo_needs_the_profile_scope()
    {
        var app = await OAuthBrowser.RegisterAppAsync(_server, Callback, scopes: "read profile");
        async Task<string> TokenAsync(string scope)
        {
            using var browser = new OAuthBrowser(_server);
            var redirect = await browser.AuthorizeAsync(OAuthBrowser.AuthorizeUrl(app, scope: scope), "alice");
            var (_, token) = await OAuthBrowser.ExchangeAsync(_server, new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = app.ClientId,
                ["client_secret"] = app.ClientSecret,
                ["code"] = OAuthBrowser.QueryValue(redirect, "code")!,
                ["redirect_uri"] = Callback,
            });
            return token["access_token"]!.GetValue<string>();
        }

        using var profile = _server.Authorized(await TokenAsync("profile"));
        var userinfo = await profile.GetFromJsonAsync<JsonObject>("/oauth/userinfo");
        var baseUrl = _server.Client.BaseAddress!.ToString().TrimEnd('/');
        Assert.Equal("alice", userinfo!["preferred_username"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/users/alice", userinfo["sub"]!.GetValue<string>());
        Assert.Equal(baseUrl + "/", userinfo["iss"]!.GetValue<string>());

        // The profile scope is enough for verify_credentials, as in Mastodon.
        using var me = await profile.GetAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        using var read = _server.Authorized(await TokenAsync("read"));
        using var refused = await read.GetAsync("/oauth/userinfo");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Cookies_are_secure_when_the_instance_is_served_over_https()
    {
        await using var https = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["LOCAL_HTTPS"] = "true" });
        var app = await OAuthBrowser.RegisterAppAsync(https, Callback);
        using var browser = new OAuthBrowser(https);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(app));
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.Contains("secure", signIn.Headers["Set-Cookie"], StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> RevokeAsync(string clientId, string clientSecret, string token)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = clientId, ["client_secret"] = clientSecret, ["token"] = token });
        using var response = await _server.Client.PostAsync("/oauth/revoke", content);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
