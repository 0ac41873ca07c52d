using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Interactions;

/// <summary>
/// Reads and writes interaction records and their listings in the <c>interactions</c> container.
/// Every call is a point operation or one single-partition range read.
/// </summary>
public sealed class InteractionStore(IDocumentStore store)
{
    public async Task<InteractionRecord?> GetAsync(string accountId, string kind, string targetId, CancellationToken cancellationToken)
    {
        var doc = await store.ReadAsync(Containers.Interactions, accountId, InteractionKeys.Of(kind, targetId), StoreJsonContext.Default.InteractionRecord, cancellationToken);
        return doc?.Value;
    }

    /// <summary>Creates the record; false when the account already did this (the record is the claim).</summary>
    public async Task<bool> TryCreateAsync(InteractionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await store.CreateAsync(Containers.Interactions, record.AccountId, InteractionKeys.Of(record.Kind, record.TargetId), record, StoreJsonContext.Default.InteractionRecord, cancellationToken);
            return true;
        }
        catch (DocumentConflictException)
        {
            return false;
        }
    }

    /// <summary>Deletes the record and returns what it was; null when there was none (or another request removed it first).</summary>
    public async Task<InteractionRecord?> RemoveAsync(string accountId, string kind, string targetId, CancellationToken cancellationToken)
    {
        var id = InteractionKeys.Of(kind, targetId);
        var doc = await store.ReadAsync(Containers.Interactions, accountId, id, StoreJsonContext.Default.InteractionRecord, cancellationToken);
        if (doc is null)
        {
            return null;
        }

        try
        {
            // The ETag makes the one request that really removed it the one that undoes its effects.
            return await store.DeleteAsync(Containers.Interactions, accountId, id, doc.ETag, cancellationToken) ? doc.Value : null;
        }
        catch (DocumentPreconditionFailedException)
        {
            return null;
        }
    }

    /// <summary>Remembers the notification an interaction raised, so that undoing it can take it back.</summary>
    public Task SetNotificationAsync(InteractionRecord record, string notificationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return store.PatchAsync(
            Containers.Interactions,
            record.AccountId,
            InteractionKeys.Of(record.Kind, record.TargetId),
            [PatchOperation.Set("/notificationId", System.Text.Json.Nodes.JsonValue.Create(notificationId))],
            ifMatch: null,
            cancellationToken);
    }

    public Task AddEntryAsync(string listing, string entryId, InteractionListEntry entry, CancellationToken cancellationToken) =>
        store.UpsertAsync(Containers.Interactions, listing, SnowflakeIds.Sortable(entryId), entry, StoreJsonContext.Default.InteractionListEntry, ifMatch: null, cancellationToken);

    public Task RemoveEntryAsync(string listing, string entryId, CancellationToken cancellationToken) =>
        store.DeleteAsync(Containers.Interactions, listing, SnowflakeIds.Sortable(entryId), ifMatch: null, cancellationToken);

    /// <summary>
    /// One page of a listing in Mastodon's terms, newest first; each item's id is the unpadded
    /// entry id (the cursor clients send back through the <c>Link</c> header).
    /// </summary>
    public async Task<IReadOnlyList<(string Id, InteractionListEntry Entry)>> PageAsync(string listing, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(listing)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var result = await store.QueryAsync(Containers.Interactions, query, StoreJsonContext.Default.InteractionListEntry, cancellationToken);
        var items = result.Items.Select(d => (SnowflakeIds.Unpad(d.Id), d.Value)).ToList();
        if (ascending)
        {
            items.Reverse();
        }

        return items;
    }

    /// <summary>Counts a listing's entries, stopping at <paramref name="upTo"/> (for small limits such as pins).</summary>
    public async Task<int> CountAsync(string listing, int upTo, CancellationToken cancellationToken)
    {
        var result = await store.QueryAsync(Containers.Interactions, new DocumentQuery(listing) { Limit = upTo }, StoreJsonContext.Default.InteractionListEntry, cancellationToken);
        return result.Items.Count;
    }
}
