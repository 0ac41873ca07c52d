using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Ids;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>The admin API's filters of accounts (Mastodon's v1 <c>/api/v1/admin/accounts</c> parameters).</summary>
public sealed record AccountFilter
{
    public bool? Local { get; init; }

    public string? Domain { get; init; }

    /// <summary>One of <c>active</c>, <c>pending</c>, <c>disabled</c>, <c>silenced</c>, <c>suspended</c>, <c>sensitized</c>; null for all.</summary>
    public string? Status { get; init; }
}

/// <summary>Reads and writes the moderators' index of accounts (<see cref="AccountIndexEntry"/>).</summary>
public static class AccountIndex
{
    public static AccountIndexEntry EntryFor(AccountRecord account, UserRecord? user)
    {
        ArgumentNullException.ThrowIfNull(account);
        var pending = user is { Approved: false };
        var disabled = user?.Disabled == true;
        var suspended = account.SuspendedAt is not null;
        var silenced = account.SilencedAt is not null;
        return new AccountIndexEntry
        {
            AccountId = account.Id,
            Local = account.IsLocal,
            Domain = account.Domain ?? "",
            Pending = pending,
            Suspended = suspended,
            Silenced = silenced,
            Disabled = disabled,
            Sensitized = account.SensitizedAt is not null,
            Active = !pending && !suspended && !silenced && !disabled,
        };
    }

    /// <summary>Writes (or rewrites) the account's entry: called when an account is created and whenever moderators change its state.</summary>
    public static Task WriteAsync(IDocumentStore store, AccountRecord account, UserRecord? user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.UpsertAsync(Containers.Reports, AccountIndexEntry.Partition, SnowflakeIds.Sortable(account.Id), EntryFor(account, user), ModerationJsonContext.Default.AccountIndexEntry, ifMatch: null, cancellationToken);
    }

    /// <summary>One page of account ids matching the filter, newest first (or oldest first after <paramref name="after"/> when ascending).</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(IDocumentStore store, AccountFilter filter, string? before, string? after, bool ascending, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        var filters = new List<FieldFilter>();
        if (filter.Local is { } local)
        {
            filters.Add(new FieldFilter("local", JsonValue.Create(local)));
        }

        if (!string.IsNullOrEmpty(filter.Domain))
        {
            filters.Add(new FieldFilter("domain", JsonValue.Create(filter.Domain)));
        }

        if (filter.Status is { } status)
        {
            filters.Add(new FieldFilter(status, JsonValue.Create(true)));
        }

        var page = await store.QueryAsync(
            Containers.Reports,
            new DocumentQuery(AccountIndexEntry.Partition)
            {
                IdBefore = before is null ? null : SnowflakeIds.Sortable(before),
                IdAfter = after is null ? null : SnowflakeIds.Sortable(after),
                Descending = !ascending,
                Limit = limit,
                Filters = filters,
            },
            ModerationJsonContext.Default.AccountIndexEntry,
            cancellationToken);
        return page.Items.Select(i => i.Value.AccountId).ToList();
    }
}
