using Serverless.Core.Accounts;
using Serverless.Core.Lists;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/lists</c>, <c>/api/v1/lists/:id/accounts</c> and <c>/api/v1/accounts/:id/lists</c>.</summary>
public static class ListsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var lists = await request.Service<ListService>().ListAsync(request.CurrentAccount.Id, request.Aborted);
        await request.Json(lists.Select(ToEntity).ToList(), FeedsJsonContext.Default.ListMastodonList);
    }

    public static async Task Show(ApiRequest request)
    {
        var list = await request.Service<ListService>().GetAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(ToEntity(list), FeedsJsonContext.Default.MastodonList);
    }

    public static async Task Create(ApiRequest request)
    {
        var list = await request.Service<ListService>().CreateAsync(
            request.CurrentAccount.Id,
            request.Params.GetString("title"),
            request.Params.GetString("replies_policy"),
            request.Params.GetBool("exclusive") ?? false,
            request.Aborted);
        await request.Json(ToEntity(list), FeedsJsonContext.Default.MastodonList);
    }

    public static async Task Update(ApiRequest request)
    {
        var list = await request.Service<ListService>().UpdateAsync(
            request.CurrentAccount.Id,
            request.Route("id"),
            request.Params.GetString("title"),
            request.Params.GetString("replies_policy"),
            request.Params.GetBool("exclusive"),
            request.Aborted);
        await request.Json(ToEntity(list), FeedsJsonContext.Default.MastodonList);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<ListService>().DeleteAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    /// <summary><c>GET /api/v1/lists/:id/accounts</c>: paged by Link; <c>limit=0</c> returns every member, as Mastodon allows.</summary>
    public static async Task Accounts(ApiRequest request)
    {
        var all = request.Params.GetInt("limit") == 0;
        var page = all ? new Core.Timelines.PageRequest(null, null, null, ListService.MaxMembers) : request.Page(defaultLimit: 40, maxLimit: 80);
        var members = await request.Service<ListService>().MembersAsync(request.CurrentAccount.Id, request.Route("id"), page, request.Aborted);
        var ids = members.Items.Select(m => m.Id).ToList();
        var accounts = (await request.Service<AccountService>().GetManyAsync(ids, request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var mapper = request.Service<EntityMapper>();
        if (!all && ids.Count > 0)
        {
            var ordered = page.MinId is null ? ids : [.. ids.AsEnumerable().Reverse()];
            request.LinkHeader(ordered[0], ordered[^1]);
        }

        var result = ids.Where(accounts.ContainsKey).Select(id => mapper.ToAccount(accounts[id])).ToList();
        if (page.MinId is not null)
        {
            result.Reverse();
        }

        await request.Json(result, MastodonJsonContext.Default.ListAccount);
    }

    public static async Task AddAccounts(ApiRequest request)
    {
        await request.Service<ListService>().AddAccountsAsync(request.CurrentAccount.Id, request.Route("id"), request.Params.GetStrings("account_ids"), request.Aborted);
        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    public static async Task RemoveAccounts(ApiRequest request)
    {
        await request.Service<ListService>().RemoveAccountsAsync(request.CurrentAccount.Id, request.Route("id"), request.Params.GetStrings("account_ids"), request.Aborted);
        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    /// <summary><c>GET /api/v1/accounts/:id/lists</c>: the caller's lists that contain the account.</summary>
    public static async Task ContainingAccount(ApiRequest request)
    {
        var lists = await request.Service<ListService>().ListsContainingAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(lists.Select(ToEntity).ToList(), FeedsJsonContext.Default.ListMastodonList);
    }

    public static MastodonList ToEntity(ListRecord list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return new MastodonList(list.Id, list.Title, list.RepliesPolicy, list.Exclusive);
    }
}
