using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Core.Statuses;

/// <summary>
/// Turns plain text into Mastodon-shaped HTML: paragraphs for blank-line breaks, <c>&lt;br&gt;</c> for
/// single ones, and links for http(s) URLs shortened the way Mastodon shows them. Mentions and
/// hashtags are linked by a later step of the client API work.
/// </summary>
public static partial class TextFormatter
{
    [GeneratedRegex(@"https?://[^\s<>""]+[^\s<>"".,;:!?)\]'}]", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    /// <summary>Mastodon counts every URL as 23 characters, whatever its length.</summary>
    public const int UrlWeight = 23;

    public static string ToHtml(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (normalized.Length == 0)
        {
            return "";
        }

        var html = new StringBuilder();
        foreach (var paragraph in normalized.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append("<p>");
            var lines = paragraph.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    html.Append("<br />");
                }

                AppendLine(html, lines[i]);
            }

            html.Append("</p>");
        }

        return html.ToString();
    }

    /// <summary>The length Mastodon checks against the character limit.</summary>
    public static int CountCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = 0;
        var last = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            length += new System.Globalization.StringInfo(text[last..match.Index]).LengthInTextElements + UrlWeight;
            last = match.Index + match.Length;
        }

        return length + new System.Globalization.StringInfo(text[last..]).LengthInTextElements;
    }

    private static void AppendLine(StringBuilder html, string line)
    {
        var last = 0;
        foreach (Match match in UrlPattern().Matches(line))
        {
            html.Append(WebUtility.HtmlEncode(line[last..match.Index]));
            AppendLink(html, match.Value);
            last = match.Index + match.Length;
        }

        html.Append(WebUtility.HtmlEncode(line[last..]));
    }

    private static void AppendLink(StringBuilder html, string url)
    {
        // Mastodon hides the scheme and "www.", and ellipsises the rest after 30 characters.
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var prefix = url[..schemeEnd];
        if (url.AsSpan(schemeEnd).StartsWith("www.", StringComparison.Ordinal))
        {
            prefix += "www.";
        }

        var rest = url[prefix.Length..];
        var display = rest.Length > 30 ? rest[..30] : rest;
        var hidden = rest.Length > 30 ? rest[30..] : "";
        var encodedUrl = WebUtility.HtmlEncode(url);
        html.Append("<a href=\"").Append(encodedUrl).Append("\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\">")
            .Append("<span class=\"invisible\">").Append(WebUtility.HtmlEncode(prefix)).Append("</span>")
            .Append(hidden.Length > 0 ? "<span class=\"ellipsis\">" : "<span class=\"\">").Append(WebUtility.HtmlEncode(display)).Append("</span>")
            .Append("<span class=\"invisible\">").Append(WebUtility.HtmlEncode(hidden)).Append("</span></a>");
    }
}
