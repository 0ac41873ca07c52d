using Serverless.Core.Accounts;
using Serverless.Core.Safety;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/blocks</c>: the accounts the user blocks (limit 40, at most 80), paged with <c>Link</c> on the blocked account ids.</summary>
public static class BlocksEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var blocks = await request.Service<SafetyService>().BlocksAsync(request.CurrentAccount.Id, request.Page(40, 80), request.Aborted);
        await WriteAccountsAsync(request, blocks.Select(b => b.TargetAccountId).ToList());
    }

    /// <summary>Writes the accounts in the order given, with a <c>Link</c> header on their ids (the documents' ids in the partition).</summary>
    internal static async Task WriteAccountsAsync(ApiRequest request, IReadOnlyList<string> accountIds)
    {
        var found = (await request.Service<AccountService>().GetManyAsync(accountIds, request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var mapper = request.Service<EntityMapper>();
        if (accountIds.Count > 0)
        {
            request.LinkHeader(accountIds[0], accountIds[^1]);
        }

        await request.Json(accountIds.Where(found.ContainsKey).Select(id => mapper.ToAccount(found[id])).ToList(), MastodonJsonContext.Default.ListAccount);
    }
}
