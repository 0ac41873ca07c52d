using Serverless.Core.Interactions;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>GET /api/v1/statuses/:id/favourited_by</c>: the accounts that favourited a status, newest first, paged only through <c>Link</c>.</summary>
public static class FavouritedByEndpoints
{
    public static Task Index(ApiRequest request) => WriteAccountsAsync(request, reblogs: false);

    /// <summary>Who favourited or reblogged a status, as one page of accounts with its <c>Link</c> header.</summary>
    internal static async Task WriteAccountsAsync(ApiRequest request, bool reblogs)
    {
        var page = await request.Service<InteractionService>().WhoAsync(request.Account, request.Route("id"), reblogs, request.Page(defaultLimit: 40, maxLimit: 80), request.Aborted);
        var safety = await request.Service<Core.Safety.StatusFilter>().ForViewerAsync(request.Account, request.Aborted);
        if (!safety.IsEmpty && await request.Service<Core.Statuses.StatusService>().GetAsync(request.Route("id"), request.Aborted) is { } status
            && await Core.Safety.StatusFilterExtensions.HiddenFromAsync(request.Service<Core.Safety.StatusFilter>(), request.Service<Core.Accounts.AccountService>(), status, request.Account, request.Aborted))
        {
            throw ApiException.NotFound();
        }

        if (page.Count > 0)
        {
            request.LinkHeader(page[0].Id, page[^1].Id);
        }

        var mapper = request.Service<EntityMapper>();
        await request.Json(page.Where(p => !safety.HidesAccount(p.Account)).Select(p => mapper.ToAccount(p.Account)).ToList(), MastodonJsonContext.Default.ListAccount);
    }
}
