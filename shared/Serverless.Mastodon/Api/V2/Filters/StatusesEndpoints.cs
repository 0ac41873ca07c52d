using Serverless.Core.Filters;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V2.Filters;

/// <summary><c>/api/v2/filters/:filter_id/statuses</c> and <c>/api/v2/filters/statuses/:id</c>: statuses a filter names by id.</summary>
public static class StatusesEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var filter = await request.Service<FilterService>().GetAsync(request.CurrentAccount.Id, request.Route("filter_id"), request.Aborted);
        await request.Json(filter.Statuses.Select(FiltersEndpoints.ToEntity).ToList(), FiltersJsonContext.Default.ListFilterStatusEntity);
    }

    public static async Task Create(ApiRequest request)
    {
        var status = await request.Service<FilterService>().AddStatusAsync(request.CurrentAccount.Id, request.Route("filter_id"), request.Params.GetString("status_id"), request.Aborted);
        await request.Json(FiltersEndpoints.ToEntity(status), FiltersJsonContext.Default.FilterStatusEntity);
    }

    public static async Task Show(ApiRequest request)
    {
        var (_, status) = await request.Service<FilterService>().GetStatusAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(FiltersEndpoints.ToEntity(status), FiltersJsonContext.Default.FilterStatusEntity);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<FilterService>().DeleteStatusAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FiltersJsonContext.Default.EmptyObject);
    }
}
