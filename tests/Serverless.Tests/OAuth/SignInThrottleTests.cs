using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.OAuth;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.OAuth;

/// <summary>Brute-force throttling of the sign-in form, per account and per client address.</summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:5999/callback";
    private StandaloneServer _server = null!;
    private OAuthBrowser.App _app = null!;

    public async Task InitializeAsync()
    {
        _server = await StandaloneServer.StartAsync();
        await _server.SignUpAsync("alice");
        _app = await OAuthBrowser.RegisterAppAsync(_server, Callback);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task After_repeated_failures_even_the_right_password_is_refused_for_a_while()
    {
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(_app));
        for (var i = 0; i < SignInThrottle.AccountLimit; i++)
        {
            // The failures come from different addresses: the account's own counter trips.
            var failed = await browser.SignInAsync(signIn, "alice@example.com", "wrong password " + i, Forwarded($"203.0.113.{i + 1}"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.Status);
        }

        var refused = await browser.SignInAsync(signIn, "ALICE", OAuthBrowser.Password, Forwarded("198.51.100.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("Too many failed sign-in attempts", refused.Element("throttled"), StringComparison.Ordinal);
        Assert.True(int.Parse(refused.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 300);
        Assert.Null(refused.Location);

        // Another account is not affected.
        await _server.SignUpAsync("bob");
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(signIn, "bob", OAuthBrowser.Password, Forwarded("198.51.100.7"))).Status);
    }

    [Fact]
    public async Task Unknown_accounts_are_throttled_the_same_way()
    {
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(_app));
        for (var i = 0; i < SignInThrottle.AccountLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(signIn, "nobody@example.com", "guess " + i, Forwarded($"203.0.113.{i + 1}"))).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SignInAsync(signIn, "nobody@example.com", "guess", Forwarded("198.51.100.8"))).Status);
    }

    [Fact]
    public async Task One_address_trying_many_accounts_is_throttled()
    {
        using var browser = new OAuthBrowser(_server);
        var signIn = await browser.GetAsync(OAuthBrowser.AuthorizeUrl(_app));
        var address = Forwarded("192.0.2.50");

        // Every failure costs a password hash's time, so most of them are counted in the store directly.
        var key = SignInThrottle.AddressKey("192.0.2.50");
        var now = DateTimeOffset.UtcNow;
        var counted = new SignInThrottleRecord { Id = key, Failures = SignInThrottle.AddressLimit - 2, WindowStartedAt = now, ExpiresAt = now + SignInThrottle.Window };
        await _server.Services.GetRequiredService<IDocumentStore>().CreateAsync(Containers.OAuth, key, key, counted, OAuthStoreJsonContext.Default.SignInThrottleRecord, default);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(signIn, $"user{i}", "guess", address)).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SignInAsync(signIn, "alice", OAuthBrowser.Password, address)).Status);

        // Elsewhere, alice signs in.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(signIn, "alice", OAuthBrowser.Password, Forwarded("192.0.2.51"))).Status);
    }

    // The test client talks to the host over loopback, as a reverse proxy would, so the proxy's header names the client.
    private static Dictionary<string, string> Forwarded(string address) => new() { ["X-Forwarded-For"] = address };
}
