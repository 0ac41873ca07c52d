using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Serverless.ActivityPub.Content;

/// <summary>
/// Cleans HTML from other servers (a status's <c>content</c>, an actor's <c>summary</c>, profile field
/// values) down to the allow-list Mastodon keeps: paragraphs, line breaks, links, spans, basic inline
/// formatting, quotes, code and lists. Headings become a bold paragraph; links keep only an
/// http(s)-like href (others turn into their text) and the microformat and mention classes, and open
/// in a new tab without a referrer; everything else is unwrapped to its text, except elements whose
/// content is not text (script, style, iframe, svg…), which go entirely.
/// </summary>
public static class RemoteHtml
{
    /// <summary>The <c>rel</c> every kept link gets.</summary>
    public const string LinkRel = "nofollow noopener noreferrer";

    /// <summary>Link schemes kept, as Mastodon's sanitizer keeps them; relative links are dropped.</summary>
    public static readonly IReadOnlySet<string> LinkSchemes = new HashSet<string>(StringComparer.Ordinal)
    {
        "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
    };

    private static readonly HashSet<string> Tags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em", "ul", "ol", "li", "ruby", "rt", "rp",
    };

    /// <summary>Attributes each kept element may have (<c>lang</c> is allowed on all).</summary>
    private static readonly Dictionary<string, HashSet<string>> AttributesByTag = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = new(StringComparer.OrdinalIgnoreCase) { "href", "rel", "class", "translate", "target" },
        ["span"] = new(StringComparer.OrdinalIgnoreCase) { "class", "translate" },
        ["ol"] = new(StringComparer.OrdinalIgnoreCase) { "start", "reversed" },
        ["li"] = new(StringComparer.OrdinalIgnoreCase) { "value" },
        ["p"] = new(StringComparer.OrdinalIgnoreCase) { "class" },
    };

    /// <summary>Elements removed with everything inside them: their content is not prose.</summary>
    private static readonly string[] DroppedWithContent =
    [
        "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed", "noframes",
        "plaintext", "xmp", "svg", "title", "textarea", "select", "head", "audio", "video", "canvas",
    ];

    /// <summary>Block elements that are unwrapped: a space on each side keeps their words apart, as Mastodon's sanitizer does.</summary>
    private static readonly string[] SpacedWhenUnwrapped =
    [
        "div", "section", "article", "aside", "header", "footer", "nav", "address", "hgroup", "dl", "dt", "dd", "hr", "figure", "figcaption",
        "table", "tr", "td", "th", "details", "summary", "main",
    ];

    /// <summary>C0 controls and space, which browsers strip from the start of a URL.</summary>
    private static readonly char[] LeadingIgnored = [.. Enumerable.Range(0, 0x21).Select(i => (char)i)];

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The allow-listed HTML of <paramref name="html"/>; empty for null or empty input.</summary>
    public static string Sanitize(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        var document = Parse(html);
        var body = document.Body!;
        Prepare(document, body);
        Sanitizer.SanitizeDom(document, body);
        Finish(body);
        return body.InnerHtml;
    }

    /// <summary>
    /// The text of <paramref name="html"/> for notifications and search: tags stripped, entities
    /// decoded, <c>&lt;br&gt;</c> as a line break and paragraphs separated by a blank line.
    /// </summary>
    public static string PlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        var document = Parse(html);
        var text = new StringBuilder();
        AppendText(document.Body!, text);
        return text.ToString().Trim();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = HtmlSanitizerOptions.Empty();
        options.AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase);
        options.AllowedAttributes = new HashSet<string>(AttributesByTag.Values.SelectMany(a => a).Append("lang"), StringComparer.OrdinalIgnoreCase);
        options.AllowedSchemes = new HashSet<string>(LinkSchemes, StringComparer.OrdinalIgnoreCase);
        options.UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" };
        return new HtmlSanitizer(options) { KeepChildNodes = true };
    }

    private static IHtmlDocument Parse(string html) =>
        new HtmlParser().ParseDocument("<!DOCTYPE html><html><head></head><body>" + html);

    /// <summary>What the allow-list alone cannot express: conversions that must happen before unknown elements are unwrapped.</summary>
    private static void Prepare(IHtmlDocument document, IElement body)
    {
        foreach (var math in body.QuerySelectorAll("math").ToList())
        {
            ReplaceMath(document, math);
        }

        foreach (var element in body.QuerySelectorAll(string.Join(',', DroppedWithContent)).ToList())
        {
            element.Remove();
        }

        foreach (var link in body.QuerySelectorAll("a").ToList())
        {
            if (!HasLinkScheme(link.GetAttribute("href")))
            {
                link.ReplaceWith(document.CreateTextNode(link.TextContent));
            }
        }

        foreach (var heading in body.QuerySelectorAll("h1,h2,h3,h4,h5,h6").ToList())
        {
            var strong = document.CreateElement("strong");
            while (heading.FirstChild is { } child)
            {
                strong.AppendChild(child);
            }

            var paragraph = document.CreateElement("p");
            if (heading.GetAttribute("lang") is { } lang)
            {
                paragraph.SetAttribute("lang", lang);
            }

            paragraph.AppendChild(strong);
            heading.ReplaceWith(paragraph);
        }

        foreach (var block in body.QuerySelectorAll(string.Join(',', SpacedWhenUnwrapped)).ToList())
        {
            block.Before(document.CreateTextNode(" "));
            block.After(document.CreateTextNode(" "));
        }
    }

    /// <summary>
    /// FEP-dc88 mathematics: shown as its TeX annotation (<c>$…$</c>, or <c>$$…$$</c> for display
    /// blocks), else its plain-text annotation; without either it is dropped with the other non-prose elements.
    /// </summary>
    private static void ReplaceMath(IHtmlDocument document, IElement math)
    {
        if (math.FirstElementChild is not { LocalName: "semantics" } semantics)
        {
            math.Remove();
            return;
        }

        var annotations = semantics.Children.Where(c => c.LocalName == "annotation").ToList();
        string? text = null;
        if (annotations.Find(a => a.GetAttribute("encoding") == "application/x-tex") is { } tex)
        {
            text = math.GetAttribute("display") == "block" ? "$$" + tex.TextContent + "$$" : "$" + tex.TextContent + "$";
        }
        else if (annotations.Find(a => a.GetAttribute("encoding") == "text/plain") is { } plain)
        {
            text = plain.TextContent;
        }

        if (text is null)
        {
            math.Remove();
        }
        else
        {
            math.ReplaceWith(document.CreateTextNode(text));
        }
    }

    /// <summary>Per-element attributes, the class allow-list, <c>translate="no"</c> only, and the link attributes every link gets.</summary>
    private static void Finish(IElement body)
    {
        foreach (var element in body.QuerySelectorAll("*"))
        {
            AttributesByTag.TryGetValue(element.LocalName, out var allowed);
            foreach (var attribute in element.Attributes.ToList())
            {
                var name = attribute.Name;
                if (name != "lang" && allowed?.Contains(name) != true)
                {
                    element.RemoveAttribute(name);
                }
            }

            if (element.GetAttribute("class") is { } classes)
            {
                var kept = classes.Split([' ', '\t', '\n', '\f', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(IsAllowedClass).ToList();
                if (kept.Count == 0)
                {
                    element.RemoveAttribute("class");
                }
                else
                {
                    element.SetAttribute("class", string.Join(' ', kept));
                }
            }

            if (element.GetAttribute("translate") is { } translate && translate != "no")
            {
                element.RemoveAttribute("translate");
            }

            if (element.LocalName == "a")
            {
                element.SetAttribute("rel", LinkRel);
                element.SetAttribute("target", "_blank");
            }
        }
    }

    /// <summary>Microformats (<c>h-card</c>, <c>u-url</c>…), mentions and hashtags, Mastodon's link display classes, and inline quotes.</summary>
    private static bool IsAllowedClass(string name) =>
        name.StartsWith("h-", StringComparison.Ordinal)
        || name.StartsWith("p-", StringComparison.Ordinal)
        || name.StartsWith("u-", StringComparison.Ordinal)
        || name.StartsWith("dt-", StringComparison.Ordinal)
        || name.StartsWith("e-", StringComparison.Ordinal)
        || name is "mention" or "hashtag" or "ellipsis" or "invisible" or "quote-inline";

    /// <summary>
    /// Whether <paramref name="href"/> names a kept scheme. As browsers do, tabs and line breaks inside
    /// the value and leading control characters and spaces are ignored when reading the scheme.
    /// </summary>
    private static bool HasLinkScheme(string? href)
    {
        if (string.IsNullOrEmpty(href))
        {
            return false;
        }

        var cleaned = new StringBuilder(href.Length);
        foreach (var c in href)
        {
            if (c is not ('\t' or '\n' or '\r'))
            {
                cleaned.Append(c);
            }
        }

        var value = cleaned.ToString().TrimStart(LeadingIgnored);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || value.AsSpan(0, colon).IndexOfAny('/', '?', '#') >= 0)
        {
            return false;
        }

        return LinkSchemes.Contains(value[..colon].ToLowerInvariant());
    }

    private static void AppendText(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(t.Data);
                    break;
                case IElement e when e.LocalName == "br":
                    text.Append('\n');
                    break;
                case IElement e when DroppedWithContent.Contains(e.LocalName) || e.LocalName == "math":
                    break;
                case IElement e when e.LocalName is "p" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" or "pre" or "ul" or "ol":
                    EndLine(text, blank: true);
                    AppendText(e, text);
                    EndLine(text, blank: true);
                    break;
                case IElement e when e.LocalName is "li" or "div" or "tr" or "dt" or "dd" or "section" or "article" or "header" or "footer":
                    EndLine(text, blank: false);
                    AppendText(e, text);
                    EndLine(text, blank: false);
                    break;
                case IElement e:
                    AppendText(e, text);
                    break;
            }
        }
    }

    /// <summary>Ends the current line (and leaves a blank one between blocks) unless the text already does.</summary>
    private static void EndLine(StringBuilder text, bool blank)
    {
        if (text.Length == 0)
        {
            return;
        }

        var newlines = 0;
        for (var i = text.Length - 1; i >= 0 && text[i] == '\n'; i--)
        {
            newlines++;
        }

        var wanted = blank ? 2 : 1;
        for (; newlines < wanted; newlines++)
        {
            text.Append('\n');
        }
    }
}
