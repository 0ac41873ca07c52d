using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// What an access key signs: the HS256 JWT a REST call carries (audience = the exact request URL,
/// query included, as the service checks it) and the <c>ce-signature</c> of incoming events
/// (<c>sha256=</c> + hex HMAC-SHA256 of the connection id; one value per key during key rotation).
/// </summary>
public static class WebPubSubAccessKey
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);

    public static string CreateToken(string accessKey, Uri audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accessKey);
        ArgumentNullException.ThrowIfNull(audience);
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("aud", audience.AbsoluteUri);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + TokenLifetime).ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        var payload = Base64Url.EncodeToString(buffer.ToArray());
        var signed = header + "." + payload;
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(signed));
        return signed + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The signature the service sends for <paramref name="connectionId"/>.</summary>
    public static string Sign(string accessKey, string connectionId)
    {
        ArgumentNullException.ThrowIfNull(accessKey);
        ArgumentNullException.ThrowIfNull(connectionId);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes(connectionId));
        return "sha256=" + Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether any of the comma-separated values of <paramref name="header"/> is the signature for the connection.</summary>
    public static bool Verify(string accessKey, string? connectionId, string? header)
    {
        ArgumentNullException.ThrowIfNull(accessKey);
        if (string.IsNullOrEmpty(connectionId) || string.IsNullOrEmpty(header))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(accessKey, connectionId));
        foreach (var value in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(value.ToLowerInvariant())))
            {
                return true;
            }
        }

        return false;
    }
}
