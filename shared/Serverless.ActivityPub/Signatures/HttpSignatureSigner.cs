using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.ActivityPub.Signatures;

/// <summary>
/// Signs outbound requests as Mastodon does: draft-cavage <c>rsa-sha256</c> over
/// <c>(request-target) host date</c>, plus <c>digest</c> (with <c>Digest: SHA-256=…</c>) and
/// <c>content-type</c> on requests with a body, plus <c>accept</c> on GETs that set it.
/// </summary>
public static class HttpSignatureSigner
{
    /// <summary>
    /// Sets <c>Host</c>, <c>Date</c>, <c>Digest</c> (unless GET or HEAD) and <c>Signature</c> on
    /// <paramref name="request"/>, replacing earlier ones, so a retry can be signed again.
    /// <paramref name="body"/> must be the exact bytes of the request's content (empty for a GET).
    /// Set the content (and its Content-Type) and any Accept header before signing.
    /// The caller owns <paramref name="privateKey"/>: do not share one instance across threads.
    /// </summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, string keyId, RSA privateKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(privateKey);
        var uri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : throw new ArgumentException("The request needs an absolute URI.", nameof(request));

        var host = AuthorityOf(uri);
        var date = now.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        var headers = request.Headers;
        headers.Remove("Signature");
        headers.Remove("Date");
        headers.Remove("Digest");
        headers.Host = host;
        headers.TryAddWithoutValidation("Date", date);

        var signed = new StringBuilder("(request-target) host date");
        var text = new StringBuilder()
            .Append("(request-target): ").Append(request.Method.Method.ToLowerInvariant()).Append(' ').Append(uri.PathAndQuery)
            .Append("\nhost: ").Append(host)
            .Append("\ndate: ").Append(date);

        if (HasBody(request.Method))
        {
            var digest = BodyDigest.DigestHeader(body);
            headers.TryAddWithoutValidation("Digest", digest);
            signed.Append(" digest");
            text.Append("\ndigest: ").Append(digest);
            if (request.Content?.Headers.ContentType?.ToString() is { Length: > 0 } contentType)
            {
                signed.Append(" content-type");
                text.Append("\ncontent-type: ").Append(contentType);
            }
        }
        else if (headers.Accept.Count > 0)
        {
            signed.Append(" accept");
            text.Append("\naccept: ").Append(headers.Accept.ToString());
        }

        var signature = SignText(privateKey, text.ToString());
        headers.TryAddWithoutValidation(
            "Signature",
            $"keyId=\"{Escape(keyId)}\",algorithm=\"rsa-sha256\",headers=\"{signed}\",signature=\"{signature}\"");
    }

    /// <summary>As <see cref="Sign(HttpRequestMessage, ReadOnlySpan{byte}, string, RSA, DateTimeOffset)"/> with the private key as PEM, imported once and pooled.</summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, string keyId, string privateKeyPem, DateTimeOffset now)
    {
        using var lease = RsaKeyPool.RentPrivate(privateKeyPem);
        Sign(request, body, keyId, lease.Key, now);
    }

    /// <summary>The <c>Host</c> value for <paramref name="uri"/>: host (IDNA), and the port unless it is the scheme's default.</summary>
    public static string AuthorityOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost.Trim('[', ']') + "]" : uri.IdnHost;
        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
    }

    internal static bool HasBody(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head;

    internal static string SignText(RSA key, string text) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
