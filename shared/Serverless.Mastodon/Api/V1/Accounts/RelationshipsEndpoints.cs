using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary><c>GET /api/v1/accounts/relationships?id[]=…</c>: one Relationship per existing account asked about.</summary>
public static class RelationshipsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var ids = AccountsResponses.Ids(request);
        var found = await request.Service<AccountService>().GetManyAsync(ids, request.Aborted);
        var existing = found.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var states = await request.Service<FollowService>().RelationshipsAsync(request.CurrentAccount.Id, ids.Where(existing.Contains).ToList(), request.Aborted);
        await request.Json(await RelationshipSafety.ApplyAsync(request, states.Select(AccountsResponses.ToRelationship).ToList(), found), AccountsJsonContext.Default.ListRelationship);
    }
}
