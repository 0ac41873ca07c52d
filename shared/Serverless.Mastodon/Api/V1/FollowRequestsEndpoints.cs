using Serverless.Core.Follows;
using Serverless.Mastodon.Api.V1.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/follow_requests</c>: pending requests to follow the signed-in (locked) account.</summary>
public static class FollowRequestsEndpoints
{
    /// <summary><c>GET /api/v1/follow_requests</c>: the requesting accounts, newest first, paged through <c>Link</c> on the request ids.</summary>
    public static async Task Index(ApiRequest request)
    {
        var edges = await request.Service<FollowService>().FollowRequestsAsync(request.CurrentAccount.Id, request.Page(defaultLimit: 40, maxLimit: 80), request.Aborted);
        await AccountsResponses.WriteAccountsAsync(request, edges, e => e.AccountId);
    }

    /// <summary><c>POST /api/v1/follow_requests/:account_id/authorize</c>: answers the Relationship with the requester.</summary>
    public static async Task Authorize(ApiRequest request)
    {
        var id = request.Route("id");
        await request.Service<FollowService>().AuthorizeAsync(request.CurrentAccount, id, request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, id);
    }

    /// <summary><c>POST /api/v1/follow_requests/:account_id/reject</c>: answers the Relationship with the requester.</summary>
    public static async Task Reject(ApiRequest request)
    {
        var id = request.Route("id");
        await request.Service<FollowService>().RejectAsync(request.CurrentAccount, id, request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, id);
    }
}
