using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary>
/// <c>GET /api/v1/statuses/:id/context</c>: ancestors and descendants the caller may see. The
/// thread comes from its own index (one ordered read), visibility from one batch read of the
/// caller's follow edges, the statuses from one batch render per list.
/// </summary>
public static class ContextsEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var viewer = request.Account;
        var statuses = request.Service<StatusService>();
        var status = await statuses.GetVisibleAsync(request.Route("id"), viewer, request.Aborted) ?? throw ApiException.NotFound();
        if (await Core.Safety.StatusFilterExtensions.HiddenFromAsync(request.Service<Core.Safety.StatusFilter>(), request.Service<Core.Accounts.AccountService>(), status, viewer, request.Aborted))
        {
            // The author blocks the caller: Mastodon answers as if the status did not exist.
            throw ApiException.NotFound();
        }

        var (ancestorIds, descendantIds, authorIds) = await statuses.ContextAsync(status, viewer, request.Aborted);
        var followed = await request.Service<StatusAccess>().FollowedAmongAsync(viewer, authorIds, request.Aborted);

        var timelines = request.Service<TimelineService>();
        var renderer = await request.StatusRendererAsync(Core.Filters.FilterContexts.Thread);
        bool Visible(StatusRecord s) => StatusAccess.CanSee(s, viewer, followed);
        var ancestors = await timelines.RenderAsync(ancestorIds, viewer, Visible, request.Aborted);
        var descendants = await timelines.RenderAsync(descendantIds, viewer, Visible, request.Aborted);
        await request.Json(
            new Context(ancestors.Select(renderer.Render).ToList(), descendants.Select(renderer.Render).ToList()),
            StatusesJsonContext.Default.Context);
    }
}
