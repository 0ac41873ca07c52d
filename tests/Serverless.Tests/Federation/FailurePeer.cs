using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Security;

namespace Serverless.Tests.Federation;

/// <summary>An actor the peer serves, with its key pair (the private half for signing as it).</summary>
public sealed record PeerActor(string Username, string Uri, string KeyId, string Inbox, string PublicKeyPem, string PrivateKeyPem);

/// <summary>A request the peer received.</summary>
public sealed record PeerRequest(string Method, string Path, DateTimeOffset At, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A remote server in miniature on 127.0.0.1 (Kestrel on a free port): it serves actor documents
/// for the actors added to it, answers every POST (its inboxes) with <see cref="InboxStatus"/>, and
/// records every request it gets. Helpers sign requests as its actors, in both signature formats.
/// </summary>
public sealed class FailurePeer : IAsyncDisposable
{
    // RSA-2048 generation is slow: a few key pairs per test run, shared by every peer.
    private static readonly Lazy<(string Public, string Private)>[] KeyPairs = [new(RsaKeys.Generate), new(RsaKeys.Generate), new(RsaKeys.Generate)];

    private readonly ConcurrentDictionary<string, PeerActor> _actors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PeerRequest> _requests = new();
    private WebApplication? _app;
    private volatile int _inboxStatus = StatusCodes.Status202Accepted;

    private FailurePeer()
    {
    }

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>host:port, which is what our server calls the peer's domain.</summary>
    public string Domain => $"127.0.0.1:{Port}";

    /// <summary>What every POST is answered with (202 unless set).</summary>
    public int InboxStatus
    {
        get => _inboxStatus;
        set => _inboxStatus = value;
    }

    public IReadOnlyList<PeerRequest> Requests => [.. _requests];

    /// <summary>POSTs received whose JSON body has the given <c>type</c> (and, if given, contains <paramref name="text"/>).</summary>
    public IReadOnlyList<PeerRequest> Posts(string type, string? text = null) =>
        [.. _requests.Where(r => r.Method == "POST" && TypeOf(r.Body) == type && (text is null || r.Body.Contains(text, StringComparison.Ordinal)))];

    public static async Task<FailurePeer> StartAsync()
    {
        var peer = new FailurePeer();
        var (app, address) = await LoopbackApp.StartAsync(peer.HandleAsync);
        peer.Port = new Uri(address).Port;
        peer._app = app;
        return peer;
    }

    /// <summary>Adds an actor at <c>/users/{username}</c>, with key pair number <paramref name="key"/> (0–2).</summary>
    public PeerActor AddActor(string username, int key = 0)
    {
        var uri = $"{BaseUrl}/users/{username}";
        var pair = KeyPairs[key].Value;
        var actor = new PeerActor(username, uri, uri + "#main-key", uri + "/inbox", pair.Public, pair.Private);
        _actors[username] = actor;
        return actor;
    }

    /// <summary>The private key of pair <paramref name="key"/>, for signing with a key that is not the actor's.</summary>
    public static string PrivateKey(int key) => KeyPairs[key].Value.Private;

    /// <summary>Stops listening: the port is closed from then on.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>An activity POST to <paramref name="url"/>, signed draft-cavage (as Mastodon) or RFC 9421 (as Fedify).</summary>
    public static HttpRequestMessage SignedPost(string url, string body, string keyId, string privateKeyPem, DateTimeOffset? date = null, bool rfc9421 = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/activity+json");
        Sign(request, bytes, keyId, privateKeyPem, date ?? DateTimeOffset.UtcNow, rfc9421);
        return request;
    }

    public static HttpRequestMessage SignedPost(string url, string body, PeerActor signer, DateTimeOffset? date = null, bool rfc9421 = false)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return SignedPost(url, body, signer.KeyId, signer.PrivateKeyPem, date, rfc9421);
    }

    /// <summary>An ActivityPub GET of <paramref name="url"/>, signed as <paramref name="signer"/> (null: unsigned).</summary>
    public static HttpRequestMessage Get(string url, PeerActor? signer, bool rfc9421 = false, string? privateKeyPem = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/activity+json");
        if (signer is not null)
        {
            Sign(request, [], signer.KeyId, privateKeyPem ?? signer.PrivateKeyPem, DateTimeOffset.UtcNow, rfc9421);
        }

        return request;
    }

    private static void Sign(HttpRequestMessage request, byte[] body, string keyId, string privateKeyPem, DateTimeOffset date, bool rfc9421)
    {
        if (!rfc9421)
        {
            HttpSignatureSigner.Sign(request, body, keyId, privateKeyPem, date);
            return;
        }

        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        HttpMessageSignatureSigner.Sign(request, body, keyId, rsa, date);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new PeerRequest(context.Request.Method, path, DateTimeOffset.UtcNow, body, headers));

        if (HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = InboxStatus;
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (HttpMethods.IsGet(context.Request.Method) && segments is ["users", var name] && _actors.TryGetValue(name, out var actor))
        {
            context.Response.ContentType = "application/activity+json";
            await context.Response.WriteAsync(ActorJson(actor).ToJsonString(), context.RequestAborted);
            return;
        }

        context.Response.StatusCode = (int)HttpStatusCode.NotFound;
    }

    private static JsonObject ActorJson(PeerActor actor) => new()
    {
        ["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"),
        ["id"] = actor.Uri,
        ["type"] = "Person",
        ["preferredUsername"] = actor.Username,
        ["name"] = actor.Username,
        ["inbox"] = actor.Inbox,
        ["outbox"] = actor.Uri + "/outbox",
        ["followers"] = actor.Uri + "/followers",
        ["following"] = actor.Uri + "/following",
        ["publicKey"] = new JsonObject { ["id"] = actor.KeyId, ["owner"] = actor.Uri, ["publicKeyPem"] = actor.PublicKeyPem },
    };

    private static string? TypeOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["type"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
