using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Serverless.ActivityPub.Signatures;

/// <summary>
/// A request as an HTTP signature sees it, independent of the transport that carried it.
/// </summary>
/// <param name="Method">The method as sent (<c>POST</c>).</param>
/// <param name="Target">The request target as sent: path and query (<c>/users/alice/inbox?x=1</c>).</param>
/// <param name="Authority">The <c>Host</c>: host and optional port (<c>example.com</c>, <c>127.0.0.1:4001</c>).</param>
/// <param name="Headers">Field values by case-insensitive name; repeated fields joined with <c>", "</c>.</param>
/// <param name="Body">The raw body (empty for a GET).</param>
public sealed record SignedRequest(
    string Method,
    string Target,
    string Authority,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>The scheme of the target URI (RFC 9421 <c>@target-uri</c>, <c>@scheme</c>); https unless the request says otherwise.</summary>
    public string Scheme { get; init; } = "https";

    /// <summary>A header's value, or null when the request has none.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Builds the shape from separate header lines, joining repeated names as HTTP does.</summary>
    public static SignedRequest Create(
        string method,
        string scheme,
        string authority,
        string target,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            map[name] = map.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        return new SignedRequest(method, target, authority, map, body) { Scheme = scheme };
    }

    /// <summary>
    /// From an ASP.NET Core request whose body was already read into <paramref name="body"/>. The raw
    /// request target is used when the server exposes it, so that escaping is compared as sent.
    /// </summary>
    public static SignedRequest FromHttpRequest(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            target = request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.Count == 1 ? values[0] ?? string.Empty : string.Join(", ", values.ToArray());
        }

        return new SignedRequest(request.Method, target, request.Host.Value ?? string.Empty, headers, body) { Scheme = request.Scheme };
    }

    /// <summary>From an outgoing request (tests, and checking what we send); <paramref name="body"/> is its content's bytes.</summary>
    public static SignedRequest FromHttpRequestMessage(HttpRequestMessage request, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        var authority = headers.TryGetValue("Host", out var host) ? host : HttpSignatureSigner.AuthorityOf(uri);
        return new SignedRequest(request.Method.Method, uri.PathAndQuery, authority, headers, body) { Scheme = uri.Scheme };
    }
}
