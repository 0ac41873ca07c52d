using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Core.Statuses;

/// <summary>
/// Turns plain text into Mastodon-shaped HTML: paragraphs for blank-line breaks, <c>&lt;br&gt;</c> for
/// single ones, links for http(s) URLs shortened the way Mastodon shows them, mention links for
/// the accounts a caller resolved, and hashtag links.
/// </summary>
/// <remarks>
/// One pattern finds URLs, mentions and hashtags together so that a <c>#</c> or <c>@</c> inside a
/// URL is never taken for a tag or a mention. The mention and hashtag rules follow Mastodon's
/// (<c>Account::MENTION_RE</c>, <c>Tag::HASHTAG_RE</c>): Unicode letters are allowed in tags, a
/// tag needs at least one letter, and neither may follow a word character, <c>/</c> or <c>=</c>.
/// </remarks>
public static partial class TextFormatter
{
    // Group "url": an http(s) URL without trailing punctuation.
    // Group "user"/"domain": @user or @user@domain (a port is allowed, for local test domains).
    // Group "tag": #name with Mastodon's middle separators (·, ・, zero-width non-joiner).
    [GeneratedRegex(
        @"(?<url>https?://[^\s<>""]+[^\s<>"".,;:!?)\]'}])" +
        @"|(?<![=/\w])@(?<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@(?<domain>\w+(?:[.-]+\w+)*(?::\d{1,5})?))?" +
        @"|(?<![=/)\w])[#＃](?<tag>\w(?:[\w·・\u200c]*\w)?)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EntityPattern();

    /// <summary>Mastodon counts every URL as 23 characters, whatever its length.</summary>
    public const int UrlWeight = 23;

    /// <summary>A mention as written: <c>@user</c> (<see cref="Domain"/> null) or <c>@user@domain</c>.</summary>
    public sealed record MentionHandle(string Username, string? Domain)
    {
        /// <summary>The lower-cased handle as written, the key callers resolve mentions by.</summary>
        public string Key => Domain is null ? Username.ToLowerInvariant() : $"{Username}@{Domain}".ToLowerInvariant();
    }

    /// <summary>The mentions (distinct, in order) and hashtags (distinct, lower-cased, in order) of a text.</summary>
    public sealed record TextEntities(IReadOnlyList<MentionHandle> Mentions, IReadOnlyList<string> Tags);

    /// <summary>Finds the mentions and hashtags of a plain text.</summary>
    public static TextEntities Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mentions = new List<MentionHandle>();
        var tags = new List<string>();
        foreach (Match match in EntityPattern().Matches(text))
        {
            if (match.Groups["user"].Success)
            {
                var handle = new MentionHandle(match.Groups["user"].Value, match.Groups["domain"].Success ? match.Groups["domain"].Value : null);
                if (!mentions.Any(m => m.Key == handle.Key))
                {
                    mentions.Add(handle);
                }
            }
            else if (match.Groups["tag"].Success && IsTagName(match.Groups["tag"].Value))
            {
                var tag = NormalizeTag(match.Groups["tag"].Value);
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag);
                }
            }
        }

        return new TextEntities(mentions, tags);
    }

    /// <summary>How tags are stored and compared: lower-cased (Mastodon matches tags case-insensitively).</summary>
    public static string NormalizeTag(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
    }

    /// <summary>Plain-text HTML with links only (no mentions or hashtags resolved).</summary>
    public static string ToHtml(string text) => ToHtml(text, baseUrl: null, mentions: null);

    /// <summary>
    /// The HTML of a status. Mentions found in <paramref name="mentions"/> (by <see cref="MentionHandle.Key"/>)
    /// become mention links; others stay plain text. Hashtags become links under
    /// <paramref name="baseUrl"/> (plain text when it is null).
    /// </summary>
    public static string ToHtml(string text, string? baseUrl, IReadOnlyDictionary<string, MentionRecord>? mentions)
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

                AppendLine(html, lines[i], baseUrl, mentions);
            }

            html.Append("</p>");
        }

        return html.ToString();
    }

    /// <summary>
    /// The length Mastodon checks against the character limit: grapheme clusters, with every URL
    /// counting <see cref="UrlWeight"/> and a remote mention counting only its <c>@user</c> part.
    /// </summary>
    public static int CountCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = 0;
        var last = 0;
        foreach (Match match in EntityPattern().Matches(text))
        {
            int weight;
            if (match.Groups["url"].Success)
            {
                weight = UrlWeight;
            }
            else if (match.Groups["user"].Success)
            {
                weight = 1 + match.Groups["user"].Length;
            }
            else
            {
                continue;
            }

            length += new StringInfo(text[last..match.Index]).LengthInTextElements + weight;
            last = match.Index + match.Length;
        }

        return length + new StringInfo(text[last..]).LengthInTextElements;
    }

    /// <summary>Escapes as Rails' <c>h()</c> does: only the five HTML-significant characters, so other text stays as written.</summary>
    private static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '"' => escaped.Append("&quot;"),
                '\'' => escaped.Append("&#39;"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static bool IsTagName(string name) => name.Any(char.IsLetter);

    private static void AppendLine(StringBuilder html, string line, string? baseUrl, IReadOnlyDictionary<string, MentionRecord>? mentions)
    {
        var last = 0;
        foreach (Match match in EntityPattern().Matches(line))
        {
            if (match.Groups["url"].Success)
            {
                html.Append(Escape(line[last..match.Index]));
                AppendLink(html, match.Value);
            }
            else if (match.Groups["user"].Success)
            {
                var handle = new MentionHandle(match.Groups["user"].Value, match.Groups["domain"].Success ? match.Groups["domain"].Value : null);
                if (mentions is null || !mentions.TryGetValue(handle.Key, out var mention))
                {
                    continue;
                }

                html.Append(Escape(line[last..match.Index]));
                html.Append("<span class=\"h-card\" translate=\"no\"><a href=\"").Append(Escape(mention.Url))
                    .Append("\" class=\"u-url mention\">@<span>").Append(Escape(mention.Username)).Append("</span></a></span>");
            }
            else
            {
                var name = match.Groups["tag"].Value;
                if (baseUrl is null || !IsTagName(name))
                {
                    continue;
                }

                html.Append(Escape(line[last..match.Index]));
                html.Append("<a href=\"").Append(Escape($"{baseUrl}/tags/{Uri.EscapeDataString(name)}"))
                    .Append("\" class=\"mention hashtag\" rel=\"tag\">#<span>").Append(Escape(name)).Append("</span></a>");
            }

            last = match.Index + match.Length;
        }

        html.Append(Escape(line[last..]));
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
        var encodedUrl = Escape(url);
        html.Append("<a href=\"").Append(encodedUrl).Append("\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\">")
            .Append("<span class=\"invisible\">").Append(Escape(prefix)).Append("</span>")
            .Append(hidden.Length > 0 ? "<span class=\"ellipsis\">" : "<span class=\"\">").Append(Escape(display)).Append("</span>")
            .Append("<span class=\"invisible\">").Append(Escape(hidden)).Append("</span></a>");
    }
}
