using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.ActivityPub;
using Serverless.ActivityPub.Http;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Configuration;
using Serverless.Embedded.Sqlite;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Federation;

/// <summary>Which addresses the outbound client may connect to.</summary>
public sealed class OutboundClientAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:192.168.0.10")]
    [InlineData("::ffff:169.254.169.254")]
    public void Loopback_private_link_local_and_special_addresses_are_refused(string address)
    {
        Assert.False(AddressGuard.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("169.253.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.True(AddressGuard.IsPublic(IPAddress.Parse(address)));
    }
}

/// <summary>
/// The one outbound client against a loopback server: refuses it unless private addresses are
/// allowed, caps responses, follows redirects (reporting where it ended), names itself, and signs
/// GETs as the instance actor in a way our own verifier accepts.
/// </summary>
public sealed class OutboundClientTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ConcurrentQueue<(string Path, Dictionary<string, string> Headers)> _requests = new();
    private WebApplication _sink = null!;
    private SqliteDocumentStore _store = null!;
    private InstanceOptions _options = null!;
    private string _base = null!;

    public async Task InitializeAsync()
    {
        (_sink, _base) = await LoopbackApp.StartAsync(HandleAsync);
        _store = new SqliteDocumentStore(_directory.File("documents.db"));
        _options = new InstanceOptions { LocalDomain = "social.example", AllowPrivateAddresses = true };
    }

    public async Task DisposeAsync()
    {
        await _sink.StopAsync();
        await _sink.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _store?.Dispose();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_loopback_target_is_refused_unless_private_addresses_are_allowed(string host)
    {
        var port = new Uri(_base).Port;
        using var guarded = Client(_options with { AllowPrivateAddresses = false });
        await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetActivityAsync($"http://{host}:{port}/doc", CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetPlainJsonAsync($"http://{host}:{port}/doc", CancellationToken.None));
        var privateKey = (await InstanceKeyAsync()).PrivateKeyPem;
        await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostActivityAsync($"http://{host}:{port}/inbox", "{}"u8.ToArray(), "https://social.example/users/a#main-key", privateKey, CancellationToken.None));
        Assert.Empty(_requests);

        using var open = Client(_options);
        var result = await open.GetActivityAsync($"http://{host}:{port}/doc", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("Note", result.Document!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Responses_over_one_MiB_are_refused_with_or_without_a_length()
    {
        using var client = Client(_options);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync(_base + "/big", CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync(_base + "/big-chunked", CancellationToken.None));

        // Just under the cap is read whole.
        var result = await client.GetActivityAsync(_base + "/almost-big", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(AlmostBigContentLength, result.Document!["content"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Redirects_are_followed_signed_and_the_final_url_reported()
    {
        using var client = Client(_options);
        var result = await client.GetActivityAsync(_base + "/redirect/2", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(_base + "/doc", result.FinalUrl.ToString());
        Assert.Equal(["/redirect/2", "/redirect/1", "/doc"], _requests.Select(r => r.Path));
        Assert.All(_requests, r => Assert.Contains("Signature", r.Headers.Keys));

        // A chain longer than the client follows is an error, not a loop.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync(_base + "/redirect/9", CancellationToken.None));

        // A redirect out of http(s) is a failed fetch like any other (callers handle HttpRequestException only).
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync(_base + "/redirect-to/file", CancellationToken.None));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync(_base + "/redirect-to/ftp", CancellationToken.None));
    }

    [Fact]
    public async Task Other_answers_are_reported_not_parsed()
    {
        using var client = Client(_options);
        var missing = await client.GetActivityAsync(_base + "/missing", CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Null(missing.Document);
        var html = await client.GetActivityAsync(_base + "/html", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, html.Status);
        Assert.Null(html.Document);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetActivityAsync("ftp://127.0.0.1/doc", CancellationToken.None));
    }

    [Fact]
    public async Task Gets_name_the_server_and_are_signed_as_the_instance_actor()
    {
        using var client = Client(_options);
        await client.GetActivityAsync(_base + "/doc", CancellationToken.None);
        var (path, headers) = Assert.Single(_requests);
        Assert.Equal("Serverless/1.0 (+https://social.example/)", headers["User-Agent"]);
        Assert.Contains("activity+json", headers["Accept"], StringComparison.Ordinal);
        Assert.Contains("keyId=\"https://social.example/actor#main-key\"", headers["Signature"], StringComparison.Ordinal);

        // The signature verifies with the instance actor's public key, as a peer requiring signed fetches checks it.
        var key = await InstanceKeyAsync();
        var signed = SignedRequest.Create("GET", "http", headers["Host"], path, headers, ReadOnlyMemory<byte>.Empty);
        var verified = await HttpSignatureVerifier.Default.VerifyAsync(
            signed,
            (keyId, _, _) => Task.FromResult<string?>(keyId == "https://social.example/actor#main-key" ? key.PublicKeyPem : null),
            DateTimeOffset.UtcNow,
            CancellationToken.None);
        Assert.True(verified.Verified, verified.Failure);

        // WebFinger and NodeInfo lookups go unsigned, but still name the server.
        await client.GetPlainJsonAsync(_base + "/doc", CancellationToken.None);
        var plain = _requests.Last().Headers;
        Assert.DoesNotContain("Signature", plain.Keys);
        Assert.Equal("Serverless/1.0 (+https://social.example/)", plain["User-Agent"]);
    }

    [Fact]
    public async Task Posts_carry_a_digest_and_the_senders_signature()
    {
        using var client = Client(_options);
        var key = await InstanceKeyAsync();
        var body = Encoding.UTF8.GetBytes("{\"type\":\"Create\"}");
        var status = await client.PostActivityAsync(_base + "/inbox", body, "https://social.example/users/alice#main-key", key.PrivateKeyPem, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var (path, headers) = Assert.Single(_requests);
        Assert.StartsWith("SHA-256=", headers["Digest"], StringComparison.Ordinal);
        Assert.Equal("Serverless/1.0 (+https://social.example/)", headers["User-Agent"]);
        var verified = await HttpSignatureVerifier.Default.VerifyAsync(
            SignedRequest.Create("POST", "http", headers["Host"], path, headers, body),
            (keyId, _, _) => Task.FromResult<string?>(keyId == "https://social.example/users/alice#main-key" ? key.PublicKeyPem : null),
            DateTimeOffset.UtcNow,
            CancellationToken.None);
        Assert.True(verified.Verified, verified.Failure);
    }

    private const int AlmostBigContentLength = FederationHttpClient.MaxResponseBytes - 1024;

    private FederationHttpClient Client(InstanceOptions options) =>
        new(options, new InstanceActor(_store, options, TimeProvider.System), TimeProvider.System, NullLogger<FederationHttpClient>.Instance);

    private Task<InstanceActorRecord> InstanceKeyAsync() => new InstanceActor(_store, _options, TimeProvider.System).GetAsync(CancellationToken.None);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.Enqueue((path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        var response = context.Response;
        switch (path)
        {
            case "/doc":
                response.ContentType = "application/activity+json";
                await response.WriteAsync($$"""{"id":"{{_base}}/doc","type":"Note"}""");
                return;
            case "/inbox":
                response.StatusCode = StatusCodes.Status202Accepted;
                return;
            case "/html":
                response.ContentType = "text/html";
                await response.WriteAsync("<!DOCTYPE html><p>Not JSON</p>");
                return;
            case "/big":
                var big = Encoding.UTF8.GetBytes(Json(FederationHttpClient.MaxResponseBytes + 1024));
                response.ContentType = "application/activity+json";
                response.ContentLength = big.Length;
                await response.Body.WriteAsync(big);
                return;
            case "/big-chunked":
                response.ContentType = "application/activity+json";
                for (var i = 0; i < 24; i++)
                {
                    await response.WriteAsync(new string('a', 64 * 1024));
                    await response.Body.FlushAsync();
                }

                return;
            case "/almost-big":
                response.ContentType = "application/activity+json";
                await response.WriteAsync(Json(AlmostBigContentLength));
                return;
        }

        if (path.StartsWith("/redirect-to/", StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = path.EndsWith("/file", StringComparison.Ordinal) ? "file:///etc/passwd" : "ftp://127.0.0.1/doc";
            return;
        }

        if (path.StartsWith("/redirect/", StringComparison.Ordinal) && int.TryParse(path["/redirect/".Length..], out var hops))
        {
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = hops <= 1 ? "/doc" : $"/redirect/{hops - 1}";
            return;
        }

        response.StatusCode = StatusCodes.Status404NotFound;
    }

    private string Json(int contentLength) => $$"""{"id":"{{_base}}/doc","type":"Note","content":"{{new string('a', contentLength)}}"}""";
}
