using Serverless.Core.Filters;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary>Writes a page of a timeline with its <c>Link</c> header; shared by every timeline endpoint.</summary>
internal static class TimelineResponse
{
    public static async Task WriteAsync(ApiRequest request, IReadOnlyList<StatusView> page)
    {
        if (page.Count > 0)
        {
            request.LinkHeader(page[0].Status.Id, page[^1].Status.Id);
        }

        // Home and list timelines are the home filter context, public and hashtag timelines the public one.
        var home = request.Http.Request.Path.StartsWithSegments("/api/v1/timelines/home", StringComparison.Ordinal)
            || request.Http.Request.Path.StartsWithSegments("/api/v1/timelines/list", StringComparison.Ordinal);
        var renderer = await request.StatusRendererAsync(home ? FilterContexts.Home : FilterContexts.Public);
        var statuses = new List<Status>(page.Count);
        foreach (var view in page)
        {
            // A hide filter drops the status from home (the Link cursor above still moves past it), as Mastodon's irreversible filters.
            if (home && renderer.Hides(view))
            {
                continue;
            }

            statuses.Add(renderer.Render(view));
        }

        await request.Statuses(statuses);
    }
}
