using Serverless.Core.Interactions;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>POST /api/v1/statuses/:id/favourite</c> and <c>/unfavourite</c>: answer with the status as the caller now sees it.</summary>
public static class FavouritesEndpoints
{
    public static async Task Create(ApiRequest request)
    {
        var status = await request.Service<InteractionService>().FavouriteAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await StatusResponses.WriteAsync(request, status.Id);
    }

    public static async Task Destroy(ApiRequest request)
    {
        var status = await request.Service<InteractionService>().UnfavouriteAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await StatusResponses.WriteAsync(request, status.Id);
    }
}
