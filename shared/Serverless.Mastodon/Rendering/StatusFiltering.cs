using Serverless.Core.Filters;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Rendering;

/// <summary>
/// Renders statuses for one request with the viewer's filters applied: <c>filtered</c> lists the
/// viewer's active filters for the context that match (on the status and on what it reblogs), as
/// Mastodon's FilterResult. The filters are loaded once per request (one cached first-page read);
/// a viewer without filters costs nothing more than the plain rendering.
/// </summary>
public sealed class StatusRenderer(EntityMapper mapper, ViewerFilters filters, string? context, DateTimeOffset now)
{
    /// <summary>Whether a <c>hide</c> filter matches: home, list and notification pages drop such statuses, as Mastodon's irreversible filters do.</summary>
    public bool Hides(StatusView view) =>
        !filters.IsEmpty && context is not null && ViewerFilters.Hides(filters.Match(view, context, now));

    public Status Render(StatusView view)
    {
        var status = mapper.ToStatus(view);
        if (filters.IsEmpty || context is null || view.Viewer is null)
        {
            return status;
        }

        var matches = filters.Match(view, context, now);
        if (matches.Count == 0)
        {
            return status;
        }

        var results = matches.Select(ToResult).ToList();
        return status with
        {
            Filtered = results,
            Reblog = status.Reblog is null ? null : status.Reblog with { Filtered = results },
        };
    }

    public static FilterResult ToResult(FilterMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var filter = match.Filter;
        return new FilterResult(
            new FilterSummary(filter.Id, filter.Title, filter.Context.ToList(), filter.ExpiresAt is { } at ? EntityMapper.Timestamp(at) : null, filter.Action),
            match.KeywordMatches?.ToList(),
            match.StatusMatches?.ToList());
    }
}

public static class StatusRendering
{
    private const string ItemKey = "Serverless.ViewerFilters";

    /// <summary>A renderer for this request's viewer in a filter context (null: no filter applies, as on bookmarks or search).</summary>
    public static async Task<StatusRenderer> StatusRendererAsync(this ApiRequest request, string? context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filters = context is null ? ViewerFilters.None : await request.ViewerFiltersAsync();
        return new StatusRenderer(request.Service<EntityMapper>(), filters, context, request.Service<TimeProvider>().GetUtcNow());
    }

    /// <summary>The viewer's filters, read once per request.</summary>
    public static async Task<ViewerFilters> ViewerFiltersAsync(this ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Account is not { } viewer)
        {
            return ViewerFilters.None;
        }

        if (request.Http.Items.TryGetValue(ItemKey, out var cached) && cached is ViewerFilters loaded)
        {
            return loaded;
        }

        var filters = await request.Service<FilterService>().ForViewerAsync(viewer.Id, request.Aborted);
        request.Http.Items[ItemKey] = filters;
        return filters;
    }
}
