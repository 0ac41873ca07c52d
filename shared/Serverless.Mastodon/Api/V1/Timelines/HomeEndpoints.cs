using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary><c>GET /api/v1/timelines/home</c>: statuses of the accounts the user follows, and the user's own.</summary>
public static class HomeEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        // Fan-out decided who may see each entry when it put it on this timeline.
        var page = await request.Service<TimelineService>().ReadAsync(TimelineKeys.Home(request.CurrentAccount.Id), request.Page(), request.Account, _ => true, request.Aborted);
        await TimelineResponse.WriteAsync(request, page);
    }
}
