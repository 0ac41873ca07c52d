using Serverless.Core.Interactions;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary>
/// <c>GET /api/v1/favourites</c> and <c>GET /api/v1/bookmarks</c>: the statuses the user favourited
/// or bookmarked, newest first. Cursors are the favourite's or bookmark's own ids, so only the
/// <c>Link</c> header pages them, as in Mastodon.
/// </summary>
public static class SavedStatusesEndpoints
{
    public static Task Favourites(ApiRequest request) => WriteAsync(request, InteractionListings.Favourites(request.CurrentAccount.Id));

    public static Task Bookmarks(ApiRequest request) => WriteAsync(request, InteractionListings.Bookmarks(request.CurrentAccount.Id));

    private static async Task WriteAsync(ApiRequest request, string listing)
    {
        var entries = await request.Service<InteractionStore>().PageAsync(listing, request.Page(defaultLimit: 20, maxLimit: 40), request.Aborted);
        var views = await request.Service<TimelineService>().RenderAsync(entries.Select(e => e.Entry.StatusId).ToList(), request.Account, _ => true, request.Aborted);
        if (entries.Count > 0)
        {
            request.LinkHeader(entries[0].Id, entries[^1].Id);
        }

        var mapper = request.Service<EntityMapper>();
        await request.Statuses(views.Select(mapper.ToStatus).ToList());
    }
}
