using Serverless.Core.Lists;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary><c>GET /api/v1/timelines/list/:list_id</c>: statuses of the list's members, filled by fan-out.</summary>
public static class ListEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var list = await request.Service<ListService>().GetAsync(request.CurrentAccount.Id, request.Route("list_id"), request.Aborted);
        var page = await request.Service<TimelineService>().ReadAsync(TimelineKeys.List(list.Id), request.Page(), request.Account, _ => true, request.Aborted);
        await TimelineResponse.WriteAsync(request, page);
    }
}
