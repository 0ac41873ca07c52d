using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Moderation;
using Serverless.Core.Storage;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary>
/// What the moderators' account index cannot filter on (it holds only origin, domain and states):
/// Mastodon's case-insensitive prefix matches on <c>username</c>, <c>display_name</c> and
/// <c>email</c>, and staff only. Sign-up and sign-in IPs are not stored, so <c>ip</c> is not here.
/// </summary>
internal sealed record AccountMatch
{
    public string? Username { get; init; }

    public string? DisplayName { get; init; }

    public string? Email { get; init; }

    public bool StaffOnly { get; init; }

    public bool IsEmpty => Username is null && DisplayName is null && Email is null && !StaffOnly;

    /// <summary>Email and role live on the login, which only local accounts have.</summary>
    public bool NeedsUser => Email is not null || StaffOnly;

    public static AccountMatch From(RequestParameters p, bool staffOnly)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new AccountMatch
        {
            Username = Trimmed(p.GetString("username")),
            DisplayName = Trimmed(p.GetString("display_name")),
            Email = Trimmed(p.GetString("email")),
            StaffOnly = staffOnly,
        };
    }

    public bool Matches(AccountRecord account, UserRecord? user) =>
        (Username is null || account.Username.StartsWith(Username, StringComparison.OrdinalIgnoreCase))
        && (DisplayName is null || account.DisplayName.StartsWith(DisplayName, StringComparison.OrdinalIgnoreCase))
        && (Email is null || (user is not null && user.Email.StartsWith(Email, StringComparison.OrdinalIgnoreCase)))
        && (!StaffOnly || user is { Role: >= UserRole.Moderator });

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The one listing behind <c>GET /api/v1/admin/accounts</c> and <c>GET /api/v2/admin/accounts</c>.</summary>
internal static class AccountListing
{
    /// <summary>How many index pages a filtered listing may read to fill one page (bounds the work of sparse filters).</summary>
    private const int MaxScanPages = 5;

    public static async Task IndexAsync(ApiRequest request, AccountFilter filter, AccountMatch match)
    {
        var page = AdminRendering.Page(request);
        var ascending = page.MinId is not null;
        var store = request.Service<IDocumentStore>();
        if (match.IsEmpty)
        {
            var ids = await AccountIndex.QueryAsync(store, filter, page.MaxId, page.MinId, ascending, page.Limit, request.Aborted);
            if (ascending)
            {
                ids = ids.Reverse().ToList();
            }

            var list = await AdminRendering.AccountsAsync(request, ids);
            request.LinkHeader(ids.Count > 0 ? ids[0] : null, ids.Count > 0 ? ids[^1] : null);
            await request.Json(list, AdminJsonContext.Default.ListAdminAccount);
            return;
        }

        if (match.NeedsUser && filter.Local is null)
        {
            filter = filter with { Local = true };
        }

        // The index query stays as it is (one partition, ordered by id, equality filters); the
        // matches run on each page read after it, a few pages at most, and the Link cursors span
        // what was read rather than what matched, so the next page starts where this scan stopped.
        var mapper = request.Service<EntityMapper>();
        var found = new List<AdminAccount>(page.Limit);
        string? before = page.MaxId, after = page.MinId, firstRead = null, lastRead = null;
        for (var scanned = 0; scanned < MaxScanPages && found.Count < page.Limit; scanned++)
        {
            var batch = await AccountIndex.QueryAsync(store, filter, before, after, ascending, page.Limit, request.Aborted);
            if (batch.Count == 0)
            {
                break;
            }

            var accounts = (await request.Service<AccountService>().GetManyAsync(batch, request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
            var users = await UsersAsync(store, accounts.Values, request.Aborted);
            foreach (var id in batch)
            {
                firstRead ??= id;
                lastRead = id;
                if (accounts.TryGetValue(id, out var account))
                {
                    var user = users.GetValueOrDefault(id);
                    if (match.Matches(account, user))
                    {
                        found.Add(AdminRendering.Account(mapper, account, user));
                        if (found.Count == page.Limit)
                        {
                            break;
                        }
                    }
                }
            }

            if (batch.Count < page.Limit)
            {
                break;
            }

            (before, after) = ascending ? (before, lastRead) : (lastRead, after);
        }

        if (ascending)
        {
            found.Reverse();
            (firstRead, lastRead) = (lastRead, firstRead);
        }

        request.LinkHeader(firstRead, lastRead);
        await request.Json(found, AdminJsonContext.Default.ListAdminAccount);
    }

    /// <summary>The logins of the local accounts among <paramref name="accounts"/> (to match and to render), in one batch of point reads.</summary>
    private static async Task<Dictionary<string, UserRecord>> UsersAsync(IDocumentStore store, IEnumerable<AccountRecord> accounts, CancellationToken cancellationToken)
    {
        var keys = accounts.Where(a => a.IsLocal).Select(a => new DocumentKey(a.Id, a.Id)).ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, UserRecord>(StringComparer.Ordinal);
        }

        var docs = await store.ReadManyAsync(Containers.Users, keys, StoreJsonContext.Default.UserRecord, cancellationToken);
        return docs.ToDictionary(d => d.Value.AccountId, d => d.Value, StringComparer.Ordinal);
    }
}
