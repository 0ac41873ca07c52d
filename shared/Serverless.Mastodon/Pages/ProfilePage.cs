using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Content;
using Serverless.Core.Accounts;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Pages;

/// <summary>
/// <c>GET /@:username</c> (and <c>/users/:username</c> for browsers): a local account's public
/// profile, with its fields (links marked <c>rel="me"</c>), counts and recent public and unlisted
/// posts, OpenGraph tags for link previews and the actor as <c>rel="alternate"</c>. Nothing a
/// signed-out visitor may not see is on it: no private or direct posts, no reblogs of them.
/// </summary>
public static class ProfilePage
{
    public const int PageSize = 20;

    public static async Task WriteAsync(ApiRequest request, AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(account);
        request.Http.Response.Headers.Vary = "Accept";
        if (account.SuspendedAt is not null)
        {
            // Mastodon answers a suspended account's page with 410 and shows nothing of it.
            await request.Raw(PageLayout.Document(request.Instance.Title, "Account suspended", "<p>This account has been suspended.</p>"), "text/html; charset=utf-8", StatusCodes.Status410Gone);
            return;
        }

        var handle = $"@{account.Username}@{request.Instance.Host}";
        var name = string.IsNullOrEmpty(account.DisplayName) ? account.Username : account.DisplayName;
        var avatar = request.Service<EntityMapper>().ToAccount(account).Avatar;
        var head = new OpenGraph()
            .Name("description", OpenGraph.Excerpt(RemoteHtml.PlainText(account.Note)))
            .Property("og:site_name", request.Instance.Title)
            .Property("og:type", "profile")
            .Property("og:title", $"{name} ({handle})")
            .Property("og:description", OpenGraph.Excerpt(RemoteHtml.PlainText(account.Note)))
            .Property("og:url", account.Url)
            .Property("og:image", avatar)
            .Property("profile:username", account.Username)
            .Name("twitter:card", "summary")
            .Link("alternate", account.Uri, "application/activity+json")
            .Link("canonical", account.Url);
        if (!account.Discoverable || account.Indexable == false)
        {
            head.Name("robots", "noindex, noarchive");
        }

        // Own posts only: a reblog's page would be the original author's to decide.
        var posts = await request.Service<TimelineService>().ReadAsync(
            TimelineKeys.Account(account.Id),
            new PageRequest(null, null, null, PageSize),
            viewer: null,
            s => s.AccountId == account.Id && s.ReblogOfId is null && (s.Visibility is Visibility.Public or Visibility.Unlisted) && s.DeletedAt is null,
            request.Aborted);

        var body = new StringBuilder();
        body.Append("<header class=\"profile\"><img class=\"avatar\" src=\"").Append(WebUtility.HtmlEncode(avatar)).Append("\" alt=\"\" width=\"96\" height=\"96\">")
            .Append("<h1 id=\"display-name\">").Append(WebUtility.HtmlEncode(name)).Append("</h1>")
            .Append("<p id=\"handle\">").Append(WebUtility.HtmlEncode(handle)).Append("</p>");
        if (account.Bot)
        {
            body.Append("<p class=\"badge\">Automated</p>");
        }

        body.Append("<div class=\"note\">").Append(account.Note).Append("</div>");
        if (account.Fields.Count > 0)
        {
            body.Append("<dl class=\"fields\">");
            foreach (var field in account.Fields)
            {
                body.Append("<dt>").Append(WebUtility.HtmlEncode(field.Name)).Append("</dt><dd>").Append(ProfileService.WithRelMe(field.Value)).Append("</dd>");
            }

            body.Append("</dl>");
        }

        body.Append("<p class=\"counts\"><span id=\"statuses-count\">").Append(account.StatusesCount.ToString(CultureInfo.InvariantCulture)).Append("</span> posts · ");
        if (account.HideCollections)
        {
            body.Append("followers and following hidden");
        }
        else
        {
            body.Append(account.FollowingCount.ToString(CultureInfo.InvariantCulture)).Append(" following · ")
                .Append(account.FollowersCount.ToString(CultureInfo.InvariantCulture)).Append(" followers");
        }

        body.Append("</p></header>");
        body.Append(posts.Count == 0 ? "<p>No public posts yet.</p>" : PageLayout.Statuses(posts));
        await request.Raw(PageLayout.Document(request.Instance.Title, $"{name} ({handle})", body.ToString(), head.ToString()), "text/html; charset=utf-8");
    }
}
