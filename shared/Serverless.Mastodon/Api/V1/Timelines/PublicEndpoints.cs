using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary><c>GET /api/v1/timelines/public</c>: the federated timeline, or with <c>local</c>/<c>remote</c> the local or remote part; <c>only_media</c> keeps statuses with attachments.</summary>
public static class PublicEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var key = request.Params.GetBool("local") == true ? TimelineKeys.Local
            : request.Params.GetBool("remote") == true ? TimelineKeys.Remote
            : TimelineKeys.Public;
        // only_media filters the page after the read, so a page can come back short; the Link cursor still moves on.
        var onlyMedia = request.Params.GetBool("only_media") == true;
        var page = await request.Service<TimelineService>().ReadAsync(key, request.Page(), request.Account, s => Visible.Public(s) && (!onlyMedia || s.MediaIds.Count > 0), request.Aborted);
        await TimelineResponse.WriteAsync(request, page);
    }
}
