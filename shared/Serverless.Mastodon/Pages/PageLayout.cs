using System.Net;
using System.Text;
using Serverless.Core.Timelines;

namespace Serverless.Mastodon.Pages;

/// <summary>The frame of the server-rendered pages: a plain, accessible document with the instance's name.</summary>
public static class PageLayout
{
    // A few rules for a readable column; the pages work without them.
    private const string Style =
        "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f4f5f7;color:#1f232b}" +
        "main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}" +
        "img.avatar{border-radius:8px;background:#9baec8}ol.statuses{list-style:none;padding:0}" +
        "ol.statuses li,article.status{border-top:1px solid #dde;padding:.75rem 0}" +
        "dl.fields dt{font-weight:600}dl.fields dd{margin:0 0 .5rem}figure{margin:.5rem 0}figure img{max-width:100%}" +
        ".invisible{display:none}.ellipsis::after{content:'…'}a{color:#4a54c0}";

    public static string Document(string siteTitle, string title, string body, string? head = null) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} - {WebUtility.HtmlEncode(siteTitle)}</title>{head}
        <style>{Style}</style>
        </head><body><main>{body}</main></body></html>
        """;

    /// <summary>Public statuses as an HTML list. Their content is already sanitised HTML (ours, or remote content cleaned on arrival).</summary>
    public static string Statuses(IEnumerable<StatusView> views)
    {
        var html = new StringBuilder("<ol class=\"statuses\">");
        foreach (var view in views)
        {
            var status = view.Status;
            var author = view.Account;
            var handle = author.IsLocal ? author.Username : $"{author.Username}@{author.Domain}";
            html.Append("<li><article><header><a href=\"").Append(WebUtility.HtmlEncode(author.Url)).Append("\">")
                .Append(WebUtility.HtmlEncode(string.IsNullOrEmpty(author.DisplayName) ? author.Username : author.DisplayName))
                .Append("</a> <span>@").Append(WebUtility.HtmlEncode(handle)).Append("</span> <a href=\"").Append(WebUtility.HtmlEncode(status.Url)).Append("\"><time datetime=\"")
                .Append(status.CreatedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).Append("\">")
                .Append(status.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Append("</time></a></header>");
            if (status.SpoilerText.Length > 0)
            {
                html.Append("<details><summary>").Append(WebUtility.HtmlEncode(status.SpoilerText)).Append("</summary>").Append(status.Content).Append("</details>");
            }
            else
            {
                html.Append(status.Content);
            }

            html.Append("</article></li>");
        }

        return html.Append("</ol>").ToString();
    }
}
