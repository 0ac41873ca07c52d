using Serverless.Core.Follows;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>POST /api/v1/accounts/:id/note</c>: sets the signed-in account's private note on another account (empty removes it).</summary>
public static class AccountNotesEndpoints
{
    public static async Task Create(ApiRequest request)
    {
        var id = request.Route("id");
        await request.Service<FollowService>().SetNoteAsync(request.CurrentAccount.Id, id, request.Params.GetString("comment"), request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, id);
    }
}
