using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Lists;

/// <summary>Lists of followed accounts and their memberships. Fan-out reads the memberships to fill list timelines.</summary>
public sealed class ListService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    public const int MaxLists = 50;
    public const int MaxMembers = 500;
    private const int BackfillStatuses = 20;
    private static readonly HashSet<string> RepliesPolicies = new(StringComparer.Ordinal) { "followed", "list", "none" };

    public async Task<IReadOnlyList<ListRecord>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Lists, new DocumentQuery(ListRecord.OwnerPartition(ownerId)) { Limit = MaxLists, Descending = false }, StoreJsonContext.Default.ListRecord, cancellationToken);
        return page.Items.Select(i => i.Value).OrderBy(l => l.Title, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<ListRecord> GetAsync(string ownerId, string listId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(listId, out _))
        {
            throw new RecordNotFoundException();
        }

        var doc = await store.ReadAsync(Containers.Lists, ListRecord.OwnerPartition(ownerId), listId, StoreJsonContext.Default.ListRecord, cancellationToken);
        return doc?.Value ?? throw new RecordNotFoundException();
    }

    public async Task<ListRecord> CreateAsync(string ownerId, string? title, string? repliesPolicy, bool exclusive, CancellationToken cancellationToken)
    {
        var existing = await ListAsync(ownerId, cancellationToken);
        if (existing.Count >= MaxLists)
        {
            throw new ValidationFailedException($"Validation failed: You cannot have more than {MaxLists} lists");
        }

        var list = new ListRecord
        {
            Id = ids.NextString(),
            OwnerId = ownerId,
            Title = ValidTitle(title),
            RepliesPolicy = ValidPolicy(repliesPolicy ?? "list"),
            Exclusive = exclusive,
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateAsync(Containers.Lists, ListRecord.OwnerPartition(ownerId), list.Id, list, StoreJsonContext.Default.ListRecord, cancellationToken);
        return list;
    }

    public async Task<ListRecord> UpdateAsync(string ownerId, string listId, string? title, string? repliesPolicy, bool? exclusive, CancellationToken cancellationToken)
    {
        var current = await GetAsync(ownerId, listId, cancellationToken);
        var updated = current with
        {
            Title = title is null ? current.Title : ValidTitle(title),
            RepliesPolicy = repliesPolicy is null ? current.RepliesPolicy : ValidPolicy(repliesPolicy),
            Exclusive = exclusive ?? current.Exclusive,
        };
        await store.ReplaceAsync(Containers.Lists, ListRecord.OwnerPartition(ownerId), listId, updated, StoreJsonContext.Default.ListRecord, ifMatch: null, cancellationToken);
        if (updated.Exclusive != current.Exclusive || updated.RepliesPolicy != current.RepliesPolicy)
        {
            // Memberships carry the flags fan-out needs; rewrite both copies.
            foreach (var member in await MemberIdsAsync(listId, cancellationToken))
            {
                await WriteMembershipAsync(updated, member, cancellationToken);
            }
        }

        return updated;
    }

    public async Task DeleteAsync(string ownerId, string listId, CancellationToken cancellationToken)
    {
        await GetAsync(ownerId, listId, cancellationToken);
        foreach (var member in await MemberIdsAsync(listId, cancellationToken))
        {
            await store.DeleteAsync(Containers.Lists, ListRecord.ListedPartition(member), listId, ifMatch: null, cancellationToken);
            await store.DeleteAsync(Containers.Lists, ListRecord.MembersPartition(listId), member, ifMatch: null, cancellationToken);
        }

        await store.DeleteAsync(Containers.Lists, ListRecord.OwnerPartition(ownerId), listId, ifMatch: null, cancellationToken);
    }

    /// <summary>Adds accounts the owner follows; their recent statuses are copied into the list timeline, as Mastodon does.</summary>
    public async Task AddAccountsAsync(string ownerId, string listId, IReadOnlyList<string> accountIds, CancellationToken cancellationToken)
    {
        var list = await GetAsync(ownerId, listId, cancellationToken);
        if (accountIds.Count == 0)
        {
            throw new ValidationFailedException("Validation failed: account_ids can't be blank");
        }

        foreach (var accountId in accountIds)
        {
            var follows = SnowflakeIds.TryParse(accountId, out _) && await store.ReadAsync(Containers.Follows, FollowRecord.FollowingPartition(ownerId), accountId, StoreJsonContext.Default.FollowRecord, cancellationToken) is not null;
            if (!follows)
            {
                throw new ValidationFailedException("Validation failed: You must be following this account to add it to a list");
            }
        }

        if ((await MemberIdsAsync(listId, cancellationToken)).Count + accountIds.Count > MaxMembers)
        {
            throw new ValidationFailedException($"Validation failed: A list can have at most {MaxMembers} accounts");
        }

        foreach (var accountId in accountIds)
        {
            await WriteMembershipAsync(list, accountId, cancellationToken);
            var recent = await store.QueryAsync(Containers.Timelines, new DocumentQuery(TimelineKeys.Account(accountId)) { Limit = BackfillStatuses }, StoreJsonContext.Default.TimelineEntry, cancellationToken);
            foreach (var entry in recent.Items)
            {
                await store.UpsertAsync(Containers.Timelines, TimelineKeys.List(listId), entry.Id, entry.Value, StoreJsonContext.Default.TimelineEntry, ifMatch: null, cancellationToken);
            }
        }
    }

    public async Task RemoveAccountsAsync(string ownerId, string listId, IReadOnlyList<string> accountIds, CancellationToken cancellationToken)
    {
        await GetAsync(ownerId, listId, cancellationToken);
        foreach (var accountId in accountIds.Where(a => SnowflakeIds.TryParse(a, out _)))
        {
            await store.DeleteAsync(Containers.Lists, ListRecord.MembersPartition(listId), accountId, ifMatch: null, cancellationToken);
            await store.DeleteAsync(Containers.Lists, ListRecord.ListedPartition(accountId), listId, ifMatch: null, cancellationToken);
        }
    }

    /// <summary>A page of member ids in the order they were added to the store (by account id).</summary>
    public async Task<DocumentPage<ListMembershipRecord>> MembersAsync(string ownerId, string listId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await GetAsync(ownerId, listId, cancellationToken);
        return await store.QueryAsync(
            Containers.Lists,
            new DocumentQuery(ListRecord.MembersPartition(listId))
            {
                Limit = page.Limit,
                IdBefore = page.MaxId,
                IdAfter = page.MinId ?? page.SinceId,
                Descending = page.MinId is null,
            },
            StoreJsonContext.Default.ListMembershipRecord,
            cancellationToken);
    }

    /// <summary>The owner's lists that contain an account.</summary>
    public async Task<IReadOnlyList<ListRecord>> ListsContainingAsync(string ownerId, string accountId, CancellationToken cancellationToken)
    {
        var memberships = await store.QueryAsync(
            Containers.Lists,
            new DocumentQuery(ListRecord.ListedPartition(accountId)) { Limit = 1000, Descending = false, Filters = [new FieldFilter("ownerId", System.Text.Json.Nodes.JsonValue.Create(ownerId))] },
            StoreJsonContext.Default.ListMembershipRecord,
            cancellationToken);
        var keys = memberships.Items.Select(m => new DocumentKey(ListRecord.OwnerPartition(ownerId), m.Value.ListId)).ToList();
        return keys.Count == 0 ? [] : (await store.ReadManyAsync(Containers.Lists, keys, StoreJsonContext.Default.ListRecord, cancellationToken)).Select(d => d.Value).ToList();
    }

    private async Task<IReadOnlyList<string>> MemberIdsAsync(string listId, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Lists, new DocumentQuery(ListRecord.MembersPartition(listId)) { Limit = MaxMembers, Descending = false }, StoreJsonContext.Default.ListMembershipRecord, cancellationToken);
        return page.Items.Select(i => i.Id).ToList();
    }

    private async Task WriteMembershipAsync(ListRecord list, string accountId, CancellationToken cancellationToken)
    {
        var membership = new ListMembershipRecord(list.Id, list.OwnerId, accountId, list.Exclusive, list.RepliesPolicy);
        await store.UpsertAsync(Containers.Lists, ListRecord.MembersPartition(list.Id), accountId, membership, StoreJsonContext.Default.ListMembershipRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Lists, ListRecord.ListedPartition(accountId), list.Id, membership, StoreJsonContext.Default.ListMembershipRecord, ifMatch: null, cancellationToken);
    }

    private static string ValidTitle(string? title) =>
        string.IsNullOrWhiteSpace(title) ? throw ValidationFailedException.ForField("title", "ERR_BLANK", "can't be blank")
        : title.Length > 255 ? throw ValidationFailedException.ForField("title", "ERR_TOO_LONG", "is too long")
        : title.Trim();

    private static string ValidPolicy(string policy) =>
        RepliesPolicies.Contains(policy) ? policy : throw ValidationFailedException.ForField("replies_policy", "ERR_INCLUSION", "is not included in the list");
}
