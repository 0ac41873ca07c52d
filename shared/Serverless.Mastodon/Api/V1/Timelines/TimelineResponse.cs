using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary>Writes a page of a timeline with its <c>Link</c> header; shared by every timeline endpoint.</summary>
internal static class TimelineResponse
{
    public static Task WriteAsync(ApiRequest request, IReadOnlyList<StatusView> page)
    {
        if (page.Count > 0)
        {
            request.LinkHeader(page[0].Status.Id, page[^1].Status.Id);
        }

        var mapper = request.Service<EntityMapper>();
        var statuses = new List<Status>(page.Count);
        statuses.AddRange(page.Select(mapper.ToStatus));
        return request.Json(statuses, MastodonJsonContext.Default.ListStatus);
    }
}
