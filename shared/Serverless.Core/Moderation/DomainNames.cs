using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Core.Moderation;

/// <summary>Domains as moderators name them: normalised, matched with their parents, digested and obfuscated as Mastodon shows them.</summary>
public static class DomainNames
{
    /// <summary>Parent domains checked at most (<c>a.b.example.com</c> is covered by a block of <c>example.com</c>).</summary>
    public const int MaxLevels = 6;

    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// A domain in the form accounts carry it (<c>host</c> or <c>host:port</c>, lower case, punycode); null when it is not a domain.
    /// A URL or a handle is accepted too and reduced to its host, as moderators paste them.
    /// </summary>
    public static string? Normalize(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            text = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        }

        text = text.TrimStart('@');
        if (text.Contains('@', StringComparison.Ordinal))
        {
            text = text[(text.LastIndexOf('@') + 1)..];
        }

        text = text.TrimEnd('.').ToLowerInvariant();
        if (text.Length is 0 or > 253 || text.StartsWith('.'))
        {
            return null;
        }

        var port = "";
        var colon = text.LastIndexOf(':');
        if (colon > 0)
        {
            port = text[colon..];
            text = text[..colon];
            if (!int.TryParse(port.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                return null;
            }
        }

        try
        {
            text = Idn.GetAscii(text);
        }
        catch (ArgumentException)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return null;
            }
        }

        return text + port;
    }

    /// <summary>The domain and its parents, most specific first (<c>a.example.com</c>, <c>example.com</c>, <c>com</c>), bounded.</summary>
    public static IReadOnlyList<string> WithParents(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var list = new List<string> { domain };
        var rest = domain;
        while (list.Count < MaxLevels && rest.IndexOf('.', StringComparison.Ordinal) is var dot and > 0)
        {
            rest = rest[(dot + 1)..];
            list.Add(rest);
        }

        return list;
    }

    /// <summary>The SHA-256 of the domain, hex, as Mastodon's <c>digest</c> (lets others check a domain against an obfuscated list).</summary>
    public static string Digest(string domain) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(domain)));

    /// <summary>The domain with its middle replaced by <c>*</c> (dots kept), as Mastodon shows an obfuscated block publicly.</summary>
    public static string Obfuscate(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var length = domain.Length;
        var visible = length / 4;
        var chars = domain.ToCharArray();
        for (var i = 0; i < length; i++)
        {
            if (i > visible && i < length - visible && chars[i] != '.')
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    /// <summary>The authority of a URI (<c>host</c> or <c>host:port</c>), as remote accounts' domains are stored.</summary>
    public static string? OfUri(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0
            ? (parsed.IsDefaultPort ? parsed.Host : parsed.Host + ":" + parsed.Port.ToString(CultureInfo.InvariantCulture)).ToLowerInvariant()
            : null;
}
