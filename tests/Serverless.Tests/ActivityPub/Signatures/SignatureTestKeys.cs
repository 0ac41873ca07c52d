using System.Security.Cryptography;
using System.Text;
using Serverless.ActivityPub.Signatures;

namespace Serverless.Tests.ActivityPub.Signatures;

/// <summary>Keys made once per test run (RSA-2048 generation is slow), and small helpers that sign text by hand.</summary>
internal static class SignatureTestKeys
{
    private static readonly Lazy<(string Public, string Private)> AliceKeys = new(Generate);
    private static readonly Lazy<(string Public, string Private)> MalloryKeys = new(Generate);

    public const string AliceKeyId = "https://remote.example/users/alice#main-key";

    public static string AlicePublicPem => AliceKeys.Value.Public;

    public static string AlicePrivatePem => AliceKeys.Value.Private;

    public static string MalloryPublicPem => MalloryKeys.Value.Public;

    public static DateTimeOffset Now { get; } = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static string HttpDate(DateTimeOffset time) => time.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over <paramref name="text"/>, base64.</summary>
    public static string SignText(string privatePem, string text)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privatePem);
        return Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static SignedRequest Request(string method, string target, IEnumerable<KeyValuePair<string, string>> headers, string body = "", string authority = "local.example", string scheme = "https") =>
        SignedRequest.Create(method, scheme, authority, target, headers, Encoding.UTF8.GetBytes(body));

    public static string Sha256Base64(string body) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    private static (string Public, string Private) Generate()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }
}
