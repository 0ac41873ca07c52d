using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.ActivityPub.Signatures;

/// <summary>
/// Signs a request with RFC 9421 HTTP Message Signatures, <c>rsa-v1_5-sha256</c>, covering
/// <c>@method @target-uri @authority date</c>, plus <c>content-digest</c> (with
/// <c>Content-Digest: sha-256=:…:</c>) and <c>content-type</c> on requests with a body, and
/// <c>created</c>, <c>keyid</c>, <c>alg</c> parameters: the shape Fedify sends and Mastodon 4.5 accepts.
/// Our deliveries use draft-cavage (<see cref="HttpSignatureSigner"/>); this exists for peers that
/// want RFC 9421 and for round-trip tests of the verifier.
/// </summary>
public static class HttpMessageSignatureSigner
{
    /// <summary>
    /// Sets <c>Host</c>, <c>Date</c>, <c>Content-Digest</c> (unless GET or HEAD), <c>Signature-Input</c>
    /// and <c>Signature</c> under <paramref name="label"/>, replacing earlier ones.
    /// </summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, string keyId, RSA privateKey, DateTimeOffset now, string label = "sig1")
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentException.ThrowIfNullOrEmpty(label);
        var uri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : throw new ArgumentException("The request needs an absolute URI.", nameof(request));

        var authority = HttpSignatureSigner.AuthorityOf(uri).ToLowerInvariant();
        var date = now.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        var headers = request.Headers;
        headers.Remove("Signature");
        headers.Remove("Signature-Input");
        headers.Remove("Date");
        request.Content?.Headers.Remove("Content-Digest");
        headers.Remove("Content-Digest");
        headers.Host = authority;
        headers.TryAddWithoutValidation("Date", date);

        var components = new StringBuilder("\"@method\" \"@target-uri\" \"@authority\" \"date\"");
        var lines = new StringBuilder()
            .Append("\"@method\": ").Append(request.Method.Method).Append('\n')
            .Append("\"@target-uri\": ").Append(uri.Scheme).Append("://").Append(authority).Append(uri.PathAndQuery).Append('\n')
            .Append("\"@authority\": ").Append(authority).Append('\n')
            .Append("\"date\": ").Append(date).Append('\n');

        if (HttpSignatureSigner.HasBody(request.Method))
        {
            var digest = BodyDigest.ContentDigestHeader(body);
            headers.TryAddWithoutValidation("Content-Digest", digest);
            components.Append(" \"content-digest\"");
            lines.Append("\"content-digest\": ").Append(digest).Append('\n');
            if (request.Content?.Headers.ContentType?.ToString() is { Length: > 0 } contentType)
            {
                components.Append(" \"content-type\"");
                lines.Append("\"content-type\": ").Append(contentType).Append('\n');
            }
        }

        var created = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var keyIdItem = "\"" + keyId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var parameters = $"({components});created={created};keyid={keyIdItem};alg=\"rsa-v1_5-sha256\"";
        lines.Append("\"@signature-params\": ").Append(parameters);

        var signature = HttpSignatureSigner.SignText(privateKey, lines.ToString());
        headers.TryAddWithoutValidation("Signature-Input", label + "=" + parameters);
        headers.TryAddWithoutValidation("Signature", label + "=:" + signature + ":");
    }
}
