using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.WebPubSub;
using Serverless.Core.Streaming;

namespace Serverless.Tests.Azure.WebPubSub;

public sealed class WebPubSubStreamPublisherTests : IAsyncLifetime, IDisposable
{
    private const string AccessKey = "local-test-access-key-0123456789";

    private FakeWebPubSubService _service = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _service = await FakeWebPubSubService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private HttpWebPubSubClient KeyClient() =>
        new(_http, new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = AccessKey }, null, TimeProvider.System);

    [Fact]
    public async Task An_event_is_sent_to_its_group_as_Mastodons_frame_with_a_JWT_for_the_exact_URL()
    {
        var publisher = new WebPubSubStreamPublisher(KeyClient());
        var payload = """{"id":"110","content":"<p>\"cats\" & dogs</p>"}""";

        await publisher.PublishAsync(new StreamEvent("hashtag:cats", ["hashtag", "cats"], "update", payload), CancellationToken.None);

        var request = Assert.Single(_service.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/hubs/streaming/groups/hashtag%3Acats/:send?api-version=2024-01-01", request.RawTarget);
        Assert.StartsWith("text/plain", request.ContentType, StringComparison.Ordinal);
        using (var frame = JsonDocument.Parse(request.Body))
        {
            Assert.Equal(["hashtag", "cats"], frame.RootElement.GetProperty("stream").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("update", frame.RootElement.GetProperty("event").GetString());
            // The payload stays a JSON string inside the frame, as Mastodon sends it.
            Assert.Equal(JsonValueKind.String, frame.RootElement.GetProperty("payload").ValueKind);
            Assert.Equal(payload, frame.RootElement.GetProperty("payload").GetString());
        }

        Assert.StartsWith("Bearer ", request.Authorization, StringComparison.Ordinal);
        var claims = VerifiedClaims(request.Authorization!["Bearer ".Length..], AccessKey);
        Assert.Equal(request.Url, claims.GetProperty("aud").GetString());
        var exp = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        Assert.InRange(exp, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));
    }

    [Fact]
    public async Task A_delete_carries_the_bare_id_as_its_payload()
    {
        await new WebPubSubStreamPublisher(KeyClient()).PublishAsync(new StreamEvent("public:local", ["public:local"], "delete", "110"), CancellationToken.None);

        var request = Assert.Single(_service.Requests);
        Assert.Equal("/api/hubs/streaming/groups/public%3Alocal/:send?api-version=2024-01-01", request.RawTarget);
        Assert.Equal("""{"stream":["public:local"],"event":"delete","payload":"110"}""", request.Body);
    }

    [Fact]
    public async Task Group_membership_is_put_and_deleted_per_connection_in_the_configured_hub()
    {
        var client = new HttpWebPubSubClient(_http, new WebPubSubOptions { Endpoint = _service.Endpoint, Hub = "mastodon", AccessKey = AccessKey }, null, TimeProvider.System);

        await client.AddConnectionToGroupAsync("user:42", "conn/1", CancellationToken.None);
        await client.RemoveConnectionFromGroupAsync("user:42", "conn/1", CancellationToken.None);

        Assert.Collection(
            _service.Requests,
            r => Assert.Equal(("PUT", "/api/hubs/mastodon/groups/user%3A42/connections/conn%2F1?api-version=2024-01-01"), (r.Method, r.RawTarget)),
            r => Assert.Equal(("DELETE", "/api/hubs/mastodon/groups/user%3A42/connections/conn%2F1?api-version=2024-01-01"), (r.Method, r.RawTarget)));
        Assert.All(_service.Requests, r => Assert.Equal(r.Url, VerifiedClaims(r.Authorization!["Bearer ".Length..], AccessKey).GetProperty("aud").GetString()));
    }

    [Fact]
    public async Task Without_a_key_an_Entra_token_for_the_Web_PubSub_scope_is_fetched_once_and_reused()
    {
        var credential = new CountingCredential();
        var client = new HttpWebPubSubClient(_http, new WebPubSubOptions { Endpoint = _service.Endpoint }, credential, TimeProvider.System);
        var publisher = new WebPubSubStreamPublisher(client);

        await publisher.PublishAsync(new StreamEvent("user:1", ["user"], "update", "{}"), CancellationToken.None);
        await publisher.PublishAsync(new StreamEvent("user:1", ["user"], "update", "{}"), CancellationToken.None);

        Assert.All(_service.Requests, r => Assert.Equal("Bearer entra-token-1", r.Authorization));
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://webpubsub.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public async Task A_refusal_by_the_service_surfaces_as_an_error_with_its_status()
    {
        _service.FailWith = 403;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            new WebPubSubStreamPublisher(KeyClient()).PublishAsync(new StreamEvent("public", ["public"], "update", "{}"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public void Options_come_from_the_identity_based_settings_with_the_default_hub()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WebPubSub:endpoint"] = "https://social.webpubsub.azure.com",
            ["AZURE_CLIENT_ID"] = "client-1",
        }).Build();

        var options = WebPubSubOptions.FromConfiguration(configuration);

        Assert.Equal(new Uri("https://social.webpubsub.azure.com"), options.Endpoint);
        Assert.Equal("streaming", options.Hub);
        Assert.Equal("client-1", options.ClientId);
        Assert.Null(options.AccessKey);
        Assert.Throws<FormatException>(() => WebPubSubOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["WebPubSub:endpoint"] = "https://x.webpubsub.azure.com", ["WebPubSub:hub"] = "bad-hub" }).Build()));
    }

    [Fact]
    public void Registration_puts_the_publisher_and_the_event_handler_in_place()
    {
        var services = new ServiceCollection()
            .AddWebPubSubStreaming(new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = AccessKey });

        using var provider = services.BuildServiceProvider();
        Assert.IsType<WebPubSubStreamPublisher>(provider.GetRequiredService<IStreamPublisher>());
        Assert.IsType<HttpWebPubSubClient>(provider.GetRequiredService<IWebPubSubClient>());
        Assert.Contains(services, d => d.ServiceType == typeof(IStreamingEventHandler));
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddWebPubSubStreaming(new WebPubSubOptions()));
    }

    /// <summary>Checks the HS256 signature with the key and returns the claims.</summary>
    private static JsonElement VerifiedClaims(string jwt, string key)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using (var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
        {
            Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(expected, Base64Url.DecodeFromChars(parts[2]));
        return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
    }

    private sealed class CountingCredential : TokenCredential
    {
        public int Calls { get; private set; }

        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes = requestContext.Scopes;
            return new AccessToken("entra-token-" + Calls, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
