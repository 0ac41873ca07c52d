using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Follows;
using Serverless.Core.OAuth;
using Serverless.Mastodon.Api.V1.Accounts;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/accounts</c>: sign-up, profiles, follow and unfollow.</summary>
public static class AccountsEndpoints
{
    /// <summary><c>POST /api/v1/accounts</c>: sign up with an app token; answers with the new user's token.</summary>
    public static async Task Create(ApiRequest request)
    {
        if (request.Instance.RegistrationsMode == RegistrationsMode.Closed)
        {
            throw new ApiException(403, "Registrations are not open on this server");
        }

        var oauth = request.Service<OAuthService>();
        var app = await oauth.FindApplicationAsync(request.Token?.ClientId, request.Aborted) ?? throw ApiException.Unauthorized();
        var (account, _) = await request.Service<AccountService>().RegisterAsync(
            new AccountService.Registration(
                request.Params.GetString("username") ?? "",
                request.Params.GetString("email") ?? "",
                request.Params.GetString("password") ?? "",
                request.Params.GetBool("agreement") ?? false,
                request.Params.GetString("locale") is { Length: > 0 } locale ? locale : "en",
                request.Params.GetString("reason")),
            request.Aborted);

        var (token, record) = await oauth.IssueTokenAsync(app, account.Id, request.Token!.Scopes, request.Aborted);
        await request.Json(new Token(token, "Bearer", string.Join(' ', record.Scopes), record.CreatedAt.ToUnixTimeSeconds()), MastodonJsonContext.Default.Token);
    }

    /// <summary><c>GET /api/v1/accounts/:id</c>.</summary>
    public static async Task Show(ApiRequest request)
    {
        var accounts = request.Service<AccountService>();
        var account = await accounts.GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        var moved = await MovedAccounts.TargetAsync(accounts, account, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToAccount(account, moved), MastodonJsonContext.Default.Account);
    }

    /// <summary>
    /// <c>POST /api/v1/accounts/:id/follow</c> with <c>reblogs</c>, <c>notify</c>, <c>languages[]</c>:
    /// follows (or asks to follow a locked account); following again changes the options. Answers the Relationship.
    /// </summary>
    public static async Task Follow(ApiRequest request)
    {
        var id = request.Route("id");
        var options = new FollowService.FollowOptions(
            request.Params.GetBool("reblogs"),
            request.Params.GetBool("notify"),
            request.Params.Get("languages") is null ? null : request.Params.GetStrings("languages"));
        await request.Service<FollowService>().FollowAsync(request.CurrentAccount, id, options, request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, id);
    }

    /// <summary><c>GET /api/v1/accounts?id[]=…</c>: several accounts at once, in the order asked; unknown ids are left out.</summary>
    public static async Task Index(ApiRequest request)
    {
        var ids = AccountsResponses.Ids(request);
        var service = request.Service<AccountService>();
        var found = (await service.GetManyAsync(ids, request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var moved = await MovedAccounts.TargetsAsync(service, found.Values, request.Aborted);
        var mapper = request.Service<EntityMapper>();
        await request.Json(ids.Where(found.ContainsKey).Select(id => mapper.ToAccount(found[id], moved)).ToList(), MastodonJsonContext.Default.ListAccount);
    }

    /// <summary><c>POST /api/v1/accounts/:id/remove_from_followers</c>: makes that account stop following you. Answers the Relationship.</summary>
    public static async Task RemoveFromFollowers(ApiRequest request)
    {
        var id = request.Route("id");
        var follower = await request.Service<AccountService>().GetAsync(id, request.Aborted) ?? throw ApiException.NotFound();
        await request.Service<FollowService>().RemoveFollowerAsync(request.CurrentAccount, follower, request.Aborted);

        await AccountsResponses.WriteRelationshipAsync(request, id);
    }

    /// <summary><c>GET /api/v1/accounts/:id/featured_tags</c>: see <see cref="FeaturedTagsEndpoints.ForAccount"/>.</summary>
    public static Task FeaturedTags(ApiRequest request) => FeaturedTagsEndpoints.ForAccount(request);

    /// <summary><c>GET /api/v1/endorsements</c>: featured accounts are not kept yet, so always an empty list.</summary>
    public static Task Endorsements(ApiRequest request) => request.Raw("[]", "application/json; charset=utf-8");

    /// <summary><c>POST /api/v1/accounts/:id/unfollow</c>: stops following or withdraws a request. Answers the Relationship.</summary>
    public static async Task Unfollow(ApiRequest request)
    {
        var id = request.Route("id");
        await request.Service<FollowService>().UnfollowAsync(request.CurrentAccount, id, request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, id);
    }
}
