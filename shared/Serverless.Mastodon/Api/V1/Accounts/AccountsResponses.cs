using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary>Responses shared by the account endpoints: relationships, and account lists paged on follow ids.</summary>
internal static class AccountsResponses
{
    /// <summary>The largest number of ids one relationships or familiar-followers request looks at.</summary>
    public const int MaxIds = 200;

    public static Relationship ToRelationship(FollowService.RelationshipState state)
    {
        // A pending request carries the options the follow will have, and Mastodon shows them already.
        var edge = state.Following ?? state.Requested;
        return new Relationship
        {
            Id = state.AccountId,
            Following = state.Following is not null,
            ShowingReblogs = edge?.ShowReblogs ?? false,
            Notifying = edge?.Notify ?? false,
            Languages = edge?.Languages?.ToList(),
            FollowedBy = state.FollowedBy is not null,
            Requested = state.Requested is not null,
            RequestedBy = state.RequestedBy is not null,
            Note = state.Note ?? "",
        };
    }

    /// <summary>Writes the viewer's relationship to one account.</summary>
    public static async Task WriteRelationshipAsync(ApiRequest request, string accountId)
    {
        var states = await request.Service<FollowService>().RelationshipsAsync(request.CurrentAccount.Id, [accountId], request.Aborted);
        var relationship = (await RelationshipSafety.ApplyAsync(request, [ToRelationship(states[0])]))[0];
        await request.Json(relationship, AccountsJsonContext.Default.Relationship);
    }

    /// <summary>
    /// Writes the accounts at the other end of <paramref name="edges"/>, in order, with a
    /// <c>Link</c> header on the edges' own ids (the follow or request ids), as Mastodon pages these lists.
    /// </summary>
    public static async Task WriteAccountsAsync(ApiRequest request, IReadOnlyList<FollowRecord> edges, Func<FollowRecord, string> accountOf)
    {
        var service = request.Service<AccountService>();
        var found = await service.GetManyAsync(edges.Select(accountOf), request.Aborted);
        var byId = found.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var moved = await MovedAccounts.TargetsAsync(service, found, request.Aborted);
        var mapper = request.Service<EntityMapper>();
        var accounts = edges.Select(accountOf).Where(byId.ContainsKey).Select(id => mapper.ToAccount(byId[id], moved)).ToList();
        if (edges.Count > 0)
        {
            request.LinkHeader(edges[0].Id, edges[^1].Id);
        }

        await request.Json(accounts, MastodonJsonContext.Default.ListAccount);
    }

    /// <summary>Reads <c>id[]</c> (or <c>id</c>), keeping well-formed ids only, first occurrence first.</summary>
    public static List<string> Ids(ApiRequest request) =>
        request.Params.GetStrings("id").Where(id => Core.Ids.SnowflakeIds.TryParse(id, out _)).Distinct(StringComparer.Ordinal).Take(MaxIds).ToList();
}
