using Serverless.Core.Safety;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>POST /api/v1/accounts/:id/block</c> and <c>unblock</c>: each answers the Relationship.</summary>
public static class AccountBlocksEndpoints
{
    public static async Task Block(ApiRequest request)
    {
        var target = await request.Service<SafetyService>().BlockAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, target.Id);
    }

    public static async Task Unblock(ApiRequest request)
    {
        var target = await request.Service<SafetyService>().UnblockAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, target.Id);
    }
}
