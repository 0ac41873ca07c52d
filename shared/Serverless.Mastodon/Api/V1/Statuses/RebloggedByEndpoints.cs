using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>GET /api/v1/statuses/:id/reblogged_by</c>: the accounts that reblogged a status, newest first, paged only through <c>Link</c>.</summary>
public static class RebloggedByEndpoints
{
    public static Task Index(ApiRequest request) => FavouritedByEndpoints.WriteAccountsAsync(request, reblogs: true);
}
