using System.Net;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Pages;

/// <summary><c>GET /tags/:name</c>: the public page of a hashtag (what a <c>Hashtag</c>'s <c>href</c> points at), with its recent public posts.</summary>
public static class TagsPage
{
    public const int PageSize = 20;

    public static async Task Show(ApiRequest request)
    {
        var name = request.Route("name").TrimStart('#');
        if (name.Length is 0 or > 100)
        {
            throw ApiException.NotFound();
        }

        var views = await request.Service<TimelineService>().ReadAsync(TimelineKeys.Tag(name), new PageRequest(null, null, null, PageSize), null, s => s.Visibility == Visibility.Public, request.Aborted);
        var title = "#" + name;
        var body = $"<h1>{WebUtility.HtmlEncode(title)}</h1>{(views.Count == 0 ? "<p>No public posts yet.</p>" : PageLayout.Statuses(views))}";
        await request.Raw(PageLayout.Document(request.Instance.Title, title, body), "text/html; charset=utf-8");
    }
}
