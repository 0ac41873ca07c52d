using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary><c>GET /api/v1/timelines/public</c>: the federated timeline, or with <c>local</c>/<c>remote</c> the local or remote part.</summary>
public static class PublicEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var key = request.Params.GetBool("local") == true ? TimelineKeys.Local
            : request.Params.GetBool("remote") == true ? TimelineKeys.Remote
            : TimelineKeys.Public;
        var page = await request.Service<TimelineService>().ReadAsync(key, request.Page(), request.Account, Visible.Public, request.Aborted);
        await TimelineResponse.WriteAsync(request, page);
    }
}
