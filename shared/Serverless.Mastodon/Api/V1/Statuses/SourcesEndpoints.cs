using Serverless.Core.Statuses;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>GET /api/v1/statuses/:id/source</c>: the plain text of a status, which clients put in the editor.</summary>
public static class SourcesEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var status = await request.Service<StatusService>().GetVisibleAsync(request.Route("id"), request.Account, request.Aborted) ?? throw ApiException.NotFound();
        await request.Json(new StatusSource(status.Id, status.Text, status.SpoilerText), StatusesJsonContext.Default.StatusSource);
    }
}
