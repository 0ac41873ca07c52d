using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Configuration;

namespace Serverless.ActivityPub.Http;

/// <summary>
/// The one HTTP client every outbound federation request goes through. It refuses non-public
/// addresses (unless <c>ALLOW_PRIVATE_ADDRESSES</c>), caps response size and time, names itself in
/// <c>User-Agent</c>, follows redirects itself (re-signing each hop), signs GETs as the instance
/// actor (authorized fetch) and POSTs as the acting account.
/// </summary>
public sealed partial class FederationHttpClient : IDisposable
{
    /// <summary>The largest document read (actors, objects, collections, WebFinger).</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private const int MaxRedirects = 3;

    private const string AcceptActivityJson = "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

    private readonly HttpClient _http;
    private readonly InstanceActor _actor;
    private readonly TimeProvider _time;
    private readonly ILogger<FederationHttpClient> _logger;

    public FederationHttpClient(InstanceOptions options, InstanceActor actor, TimeProvider time, ILogger<FederationHttpClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _actor = actor;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = AddressGuard.ConnectCallback(options.AllowPrivateAddresses),
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = 16,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };
        UserAgent = $"Serverless/1.0 (+{options.BaseUrl}/)";
    }

    public string UserAgent { get; }

    /// <summary>The outcome of a GET: the status, the URL finally answered (after redirects), and the JSON when it was JSON.</summary>
    public sealed record FetchResult(HttpStatusCode Status, Uri FinalUrl, JsonObject? Document);

    /// <summary>GETs an ActivityPub document, signed as the instance actor. Network failures throw <see cref="HttpRequestException"/>.</summary>
    public Task<FetchResult> GetActivityAsync(string url, CancellationToken cancellationToken) =>
        GetJsonAsync(url, AcceptActivityJson, sign: true, cancellationToken);

    /// <summary>GETs a JSON document (WebFinger, NodeInfo) without a signature.</summary>
    public Task<FetchResult> GetPlainJsonAsync(string url, CancellationToken cancellationToken) =>
        GetJsonAsync(url, "application/jrd+json, application/json", sign: false, cancellationToken);

    /// <summary>POSTs an activity to an inbox, signed with the account's key; returns the status code (network failures throw).</summary>
    public async Task<HttpStatusCode> PostActivityAsync(string inbox, byte[] body, string keyId, string privateKeyPem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, inbox) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ActivityStreams.ContentType);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        HttpSignatureSigner.Sign(request, body, keyId, privateKeyPem, _time.GetUtcNow());
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.StatusCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"POST {inbox} timed out.");
        }
    }

    private async Task<FetchResult> GetJsonAsync(string url, string accept, bool sign, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new HttpRequestException($"'{url}' is not an http(s) URL.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var key = sign ? await _actor.GetAsync(cancellationToken) : null;
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("Accept", accept);
                request.Headers.UserAgent.ParseAdd(UserAgent);
                if (key is not null)
                {
                    HttpSignatureSigner.Sign(request, [], _actor.KeyId, key.PrivateKeyPem, _time.GetUtcNow());
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new HttpRequestException($"Too many redirects from {url}.");
                    }

                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                    {
                        // HttpClient would throw NotSupportedException, which callers do not expect from a remote's answer.
                        throw new HttpRequestException($"{url} redirected to a {uri.Scheme} URL.");
                    }

                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new FetchResult(response.StatusCode, uri, null);
                }

                if (response.Content.Headers.ContentLength > MaxResponseBytes)
                {
                    throw new HttpRequestException($"{url} answered more than {MaxResponseBytes} bytes.");
                }

                var body = await ReadCappedAsync(response.Content, timeout.Token);
                try
                {
                    return new FetchResult(response.StatusCode, uri, JsonNode.Parse(body) as JsonObject);
                }
                catch (JsonException ex)
                {
                    LogNotJson(_logger, ex, uri);
                    return new FetchResult(response.StatusCode, uri, null);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"GET {url} timed out.");
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new HttpRequestException($"The response is larger than {MaxResponseBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Url} did not answer JSON")]
    private static partial void LogNotJson(ILogger logger, Exception exception, Uri url);
}
