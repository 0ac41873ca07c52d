using Serverless.Core.Interactions;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>POST /api/v1/statuses/:id/reblog</c> (answers with the reblog, the original inside) and <c>/unreblog</c> (with the original).</summary>
public static class ReblogsEndpoints
{
    public static async Task Create(ApiRequest request)
    {
        var reblog = await request.Service<InteractionService>().ReblogAsync(request.CurrentAccount, request.CurrentUser, request.Route("id"), request.Params.GetString("visibility"), request.Aborted);
        await StatusResponses.WriteAsync(request, reblog.Id);
    }

    public static async Task Destroy(ApiRequest request)
    {
        var original = await request.Service<InteractionService>().UnreblogAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await StatusResponses.WriteAsync(request, original.Id);
    }
}
