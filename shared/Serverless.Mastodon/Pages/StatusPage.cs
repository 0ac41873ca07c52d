using System.Globalization;
using System.Net;
using System.Text;
using Serverless.ActivityPub.Content;
using Serverless.Core.Accounts;
using Serverless.Core.Media;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Pages;

/// <summary>
/// <c>GET /@:username/:id</c> for browsers: one public or unlisted local status with its media, poll
/// options and counts, OpenGraph tags for link previews and the Note as <c>rel="alternate"</c>.
/// The caller has already refused private and direct statuses (404, as Mastodon never says they exist).
/// </summary>
public static class StatusPage
{
    public static async Task WriteAsync(ApiRequest request, AccountRecord account, StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(status);
        request.Http.Response.Headers.Vary = "Accept";
        if (account.SuspendedAt is not null || status.Visibility is not (Visibility.Public or Visibility.Unlisted))
        {
            throw ApiException.NotFound();
        }

        var views = await request.Service<TimelineService>().RenderAsync([status.Id], viewer: null, _ => true, request.Aborted);
        var view = views.Count == 1 ? views[0] : throw ApiException.NotFound();
        var media = request.Service<IMediaStore>();
        string? UrlOf(MediaAttachmentRecord m, bool preview) =>
            m.State != MediaStates.Ready ? null
            : (preview ? m.PreviewKey ?? m.FileKey : m.FileKey) is { } key ? media.GetPublicUrl(key).ToString()
            : m.RemoteUrl;

        var handle = $"@{account.Username}@{request.Instance.Host}";
        var name = string.IsNullOrEmpty(account.DisplayName) ? account.Username : account.DisplayName;
        var text = RemoteHtml.PlainText(status.Content);
        var description = status.SpoilerText.Length > 0 ? "Content warning: " + status.SpoilerText : OpenGraph.Excerpt(text);
        var image = view.Media.FirstOrDefault(m => m.Type == "image" && !status.Sensitive);
        var head = new OpenGraph()
            .Name("description", description)
            .Property("og:site_name", request.Instance.Title)
            .Property("og:type", "article")
            .Property("og:title", $"{name} ({handle})")
            .Property("og:description", description)
            .Property("og:url", status.Url)
            .Property("og:image", image is null ? request.Service<EntityMapper>().ToAccount(account).Avatar : UrlOf(image, preview: false))
            .Property("og:image:alt", image?.Description)
            .Property("article:published_time", status.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Property("profile:username", account.Username)
            .Name("twitter:card", image is null ? "summary" : "summary_large_image")
            .Link("alternate", status.Uri, "application/activity+json")
            .Link("canonical", status.Url);
        if (status.Visibility == Visibility.Unlisted || !account.Discoverable || account.Indexable == false)
        {
            head.Name("robots", "noindex, noarchive");
        }

        var when = status.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        body.Append("<article class=\"status detailed\" lang=\"").Append(WebUtility.HtmlEncode(status.Language ?? "en")).Append("\">")
            .Append("<header><a href=\"").Append(WebUtility.HtmlEncode(account.Url)).Append("\"><strong id=\"display-name\">").Append(WebUtility.HtmlEncode(name))
            .Append("</strong> <span id=\"handle\">").Append(WebUtility.HtmlEncode(handle)).Append("</span></a></header>");
        if (status.SpoilerText.Length > 0)
        {
            body.Append("<details><summary class=\"spoiler\">").Append(WebUtility.HtmlEncode(status.SpoilerText)).Append("</summary><div class=\"content\">").Append(status.Content).Append("</div></details>");
        }
        else
        {
            body.Append("<div class=\"content\">").Append(status.Content).Append("</div>");
        }

        foreach (var attachment in view.Media)
        {
            var url = UrlOf(attachment, preview: false);
            if (url is null)
            {
                continue;
            }

            var alt = WebUtility.HtmlEncode(attachment.Description ?? "");
            body.Append(attachment.Type switch
            {
                "image" => $"<figure><a href=\"{WebUtility.HtmlEncode(url)}\"><img src=\"{WebUtility.HtmlEncode(UrlOf(attachment, preview: true) ?? url)}\" alt=\"{alt}\"></a></figure>",
                "video" or "gifv" => $"<figure><video src=\"{WebUtility.HtmlEncode(url)}\" controls aria-label=\"{alt}\"></video></figure>",
                "audio" => $"<figure><audio src=\"{WebUtility.HtmlEncode(url)}\" controls aria-label=\"{alt}\"></audio></figure>",
                _ => $"<p><a href=\"{WebUtility.HtmlEncode(url)}\">{(alt.Length > 0 ? alt : "Attachment")}</a></p>",
            });
        }

        if (view.Poll is { } poll)
        {
            body.Append("<ul class=\"poll\">");
            foreach (var option in poll.Options)
            {
                body.Append("<li>").Append(WebUtility.HtmlEncode(option.Title)).Append(" (").Append(option.VotesCount.ToString(CultureInfo.InvariantCulture)).Append(")</li>");
            }

            body.Append("</ul>");
        }

        body.Append("<footer><a href=\"").Append(WebUtility.HtmlEncode(status.Url)).Append("\"><time datetime=\"").Append(when).Append("\">").Append(when).Append("</time></a> · ")
            .Append(status.RepliesCount.ToString(CultureInfo.InvariantCulture)).Append(" replies · ")
            .Append(status.ReblogsCount.ToString(CultureInfo.InvariantCulture)).Append(" boosts · ")
            .Append(status.FavouritesCount.ToString(CultureInfo.InvariantCulture)).Append(" favourites</footer></article>");
        await request.Raw(PageLayout.Document(request.Instance.Title, $"{name}: \"{OpenGraph.Excerpt(text)}\"", body.ToString(), head.ToString()), "text/html; charset=utf-8");
    }
}
