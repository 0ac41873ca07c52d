using Serverless.Core.Filters;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V2.Filters;

/// <summary><c>/api/v2/filters/:filter_id/keywords</c> and <c>/api/v2/filters/keywords/:id</c>.</summary>
public static class KeywordsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var filter = await request.Service<FilterService>().GetAsync(request.CurrentAccount.Id, request.Route("filter_id"), request.Aborted);
        await request.Json(filter.Keywords.Select(FiltersEndpoints.ToEntity).ToList(), FiltersJsonContext.Default.ListFilterKeywordEntity);
    }

    public static async Task Create(ApiRequest request)
    {
        var keyword = await request.Service<FilterService>().AddKeywordAsync(
            request.CurrentAccount.Id, request.Route("filter_id"), request.Params.GetString("keyword"), request.Params.GetBool("whole_word"), request.Aborted);
        await request.Json(FiltersEndpoints.ToEntity(keyword), FiltersJsonContext.Default.FilterKeywordEntity);
    }

    public static async Task Show(ApiRequest request)
    {
        var (_, keyword) = await request.Service<FilterService>().GetKeywordAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(FiltersEndpoints.ToEntity(keyword), FiltersJsonContext.Default.FilterKeywordEntity);
    }

    public static async Task Update(ApiRequest request)
    {
        var keyword = await request.Service<FilterService>().UpdateKeywordAsync(
            request.CurrentAccount.Id, request.Route("id"), request.Params.GetString("keyword"), request.Params.GetBool("whole_word"), request.Aborted);
        await request.Json(FiltersEndpoints.ToEntity(keyword), FiltersJsonContext.Default.FilterKeywordEntity);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<FilterService>().DeleteKeywordAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FiltersJsonContext.Default.EmptyObject);
    }
}
