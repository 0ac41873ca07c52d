using System.Security.Cryptography;
using System.Text;

namespace Serverless.Core.Storage;

/// <summary>Keys of the <c>lookups</c> container that point at ids by something else than the id.</summary>
public static class LookupKeys
{
    /// <summary>An ActivityPub id (actor, status, key) → our id. Hashed, since document ids cannot hold <c>/ \ ? #</c>.</summary>
    public static string Uri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return "uri:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri)));
    }

    /// <summary>A remote status's web page URL (<c>https://remote/@bob/123</c>) → our id, for search by a pasted link.</summary>
    public static string Url(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return "url:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)));
    }

    /// <summary>A remote handle (<c>user@domain</c>, case-insensitive) → account id.</summary>
    public static string RemoteAcct(string username, string domain) => "acct:" + username.ToLowerInvariant() + "@" + domain.ToLowerInvariant();
}
