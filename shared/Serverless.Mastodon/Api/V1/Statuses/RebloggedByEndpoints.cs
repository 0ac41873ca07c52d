using Serverless.Core.Interactions;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>GET /api/v1/statuses/:id/reblogged_by</c>: the accounts that reblogged a status, newest first, paged only through <c>Link</c>.</summary>
public static class RebloggedByEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var page = await request.Service<InteractionService>().WhoAsync(request.Account, request.Route("id"), reblogs: true, request.Page(defaultLimit: 40, maxLimit: 80), request.Aborted);
        if (page.Count > 0)
        {
            request.LinkHeader(page[0].Id, page[^1].Id);
        }

        var mapper = request.Service<EntityMapper>();
        await request.Json(page.Select(p => mapper.ToAccount(p.Account)).ToList(), MastodonJsonContext.Default.ListAccount);
    }
}
