using System.Net;
using System.Text;

namespace Serverless.Mastodon.Pages;

/// <summary>
/// The <c>&lt;head&gt;</c> tags that link previews (OpenGraph, Twitter cards) and other servers
/// (<c>rel="alternate"</c> ActivityPub documents) read from a public page.
/// </summary>
public sealed class OpenGraph
{
    private readonly StringBuilder _html = new();

    public OpenGraph Property(string property, string? content)
    {
        if (!string.IsNullOrEmpty(content))
        {
            _html.Append("\n<meta property=\"").Append(property).Append("\" content=\"").Append(WebUtility.HtmlEncode(content)).Append("\">");
        }

        return this;
    }

    public OpenGraph Name(string name, string? content)
    {
        if (!string.IsNullOrEmpty(content))
        {
            _html.Append("\n<meta name=\"").Append(name).Append("\" content=\"").Append(WebUtility.HtmlEncode(content)).Append("\">");
        }

        return this;
    }

    public OpenGraph Link(string rel, string href, string? type = null)
    {
        _html.Append("\n<link rel=\"").Append(rel).Append('"');
        if (type is not null)
        {
            _html.Append(" type=\"").Append(type).Append('"');
        }

        _html.Append(" href=\"").Append(WebUtility.HtmlEncode(href)).Append("\">");
        return this;
    }

    /// <summary>Shortens text for a description as previews show it: one line, at most 300 characters.</summary>
    public static string Excerpt(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 300 ? line : line[..299] + "…";
    }

    public override string ToString() => _html.ToString();
}
