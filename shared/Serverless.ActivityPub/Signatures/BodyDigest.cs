using System.Security.Cryptography;

namespace Serverless.ActivityPub.Signatures;

/// <summary>Body digests: <c>Digest: SHA-256=…</c> (RFC 3230, draft-cavage) and <c>Content-Digest: sha-256=:…:</c> (RFC 9530).</summary>
public static class BodyDigest
{
    /// <summary>The <c>Digest</c> header value for <paramref name="body"/>.</summary>
    public static string DigestHeader(ReadOnlySpan<byte> body) => "SHA-256=" + Convert.ToBase64String(SHA256.HashData(body));

    /// <summary>The <c>Content-Digest</c> header value for <paramref name="body"/>.</summary>
    public static string ContentDigestHeader(ReadOnlySpan<byte> body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    /// <summary>Checks a <c>Digest</c> header; null when it matches, else why not.</summary>
    internal static string? CheckDigest(string header, ReadOnlySpan<byte> body)
    {
        var checkedAny = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return "Digest header is malformed";
            }

            var algorithm = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            var hash = Hash(algorithm, body);
            if (hash is null)
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                return "Digest header is not valid base64";
            }

            if (!CryptographicOperations.FixedTimeEquals(given, hash))
            {
                return "Digest does not match the body";
            }

            checkedAny = true;
        }

        return checkedAny ? null : "Digest header offers no SHA-256 or SHA-512 digest";
    }

    /// <summary>Checks a <c>Content-Digest</c> header; null when it matches, else why not.</summary>
    internal static string? CheckContentDigest(string header, ReadOnlySpan<byte> body)
    {
        var members = StructuredFields.ParseDictionary(header);
        if (members is null)
        {
            return "Content-Digest header is malformed";
        }

        var checkedAny = false;
        foreach (var member in members)
        {
            var hash = Hash(member.Key, body);
            if (hash is null)
            {
                continue;
            }

            if (member.Item?.Value is not byte[] given)
            {
                return "Content-Digest header is malformed";
            }

            if (!CryptographicOperations.FixedTimeEquals(given, hash))
            {
                return "Content-Digest does not match the body";
            }

            checkedAny = true;
        }

        return checkedAny ? null : "Content-Digest header offers no SHA-256 or SHA-512 digest";
    }

    private static byte[]? Hash(string algorithm, ReadOnlySpan<byte> body)
    {
        if (algorithm.Equals("sha-256", StringComparison.OrdinalIgnoreCase))
        {
            return SHA256.HashData(body);
        }

        if (algorithm.Equals("sha-512", StringComparison.OrdinalIgnoreCase))
        {
            return SHA512.HashData(body);
        }

        return null;
    }
}
