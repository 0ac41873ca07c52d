using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;

namespace Serverless.Core.Storage;

/// <summary>
/// A read-through cache of point reads in front of another store. Timeline pages read the same
/// statuses, authors and (mostly absent) interaction documents over and over; serving them from
/// memory saves a storage round trip and a JSON parse each.
/// </summary>
/// <remarks>
/// Writes through this store update or evict the entry at once. Writes by other processes are
/// seen when an entry expires (<see cref="CacheOptions.TimeToLive"/>). A read that raced with any
/// write is not cached, so an in-process write is never hidden by an older read. Queries are not
/// cached: they are the one ordered range read of a page.
/// </remarks>
public sealed class CachingDocumentStore(IDocumentStore inner, CacheOptions options, TimeProvider time) : IDocumentStore
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly ConcurrentDictionary<PageKey, Entry> _pages = new();
    // Write counters per partition, folded into a fixed number of buckets so memory stays bounded;
    // two partitions sharing a bucket only cost each other a cache miss.
    private readonly long[] _partitionWrites = new long[4096];
    private long _writes;

    /// <summary>A first page of a partition (no continuation, no filters), such as the newest 40 of a home timeline.</summary>
    private readonly record struct PageKey(string Container, string PartitionKey, string? IdBefore, string? IdAfter, bool Descending, int Limit, long PartitionVersion);

    private readonly record struct Key(string Container, string PartitionKey, string Id);

    /// <summary>A cached read: the document, or null when it was known to be absent.</summary>
    private sealed record Entry(object? Document, long ExpiresAt);

    public IDocumentStore Inner => inner;

    public int Count => _entries.Count;

    public async Task<StoredDocument<T>?> ReadAsync<T>(string container, string partitionKey, string id, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var key = new Key(container, partitionKey, id);
        if (TryGet<T>(key, out var cached))
        {
            return cached;
        }

        var before = Volatile.Read(ref _writes);
        var document = await inner.ReadAsync(container, partitionKey, id, type, cancellationToken);
        Remember(key, document, before);
        return document;
    }

    public async Task<IReadOnlyList<StoredDocument<T>>> ReadManyAsync<T>(string container, IReadOnlyList<DocumentKey> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new StoredDocument<T>?[keys.Count];
        List<DocumentKey>? misses = null;
        for (var i = 0; i < keys.Count; i++)
        {
            if (TryGet<T>(new Key(container, keys[i].PartitionKey, keys[i].Id), out var cached))
            {
                found[i] = cached;
            }
            else
            {
                (misses ??= []).Add(keys[i]);
            }
        }

        if (misses is not null)
        {
            var before = Volatile.Read(ref _writes);
            var read = await inner.ReadManyAsync(container, misses, type, cancellationToken);
            var byKey = new Dictionary<DocumentKey, StoredDocument<T>>(read.Count);
            foreach (var doc in read)
            {
                byKey[new DocumentKey(doc.PartitionKey, doc.Id)] = doc;
            }

            for (var i = 0; i < keys.Count; i++)
            {
                if (found[i] is null && byKey.TryGetValue(keys[i], out var doc))
                {
                    found[i] = doc;
                }
            }

            foreach (var miss in misses)
            {
                Remember(new Key(container, miss.PartitionKey, miss.Id), byKey.GetValueOrDefault(miss), before);
            }
        }

        var result = new List<StoredDocument<T>>(keys.Count);
        foreach (var doc in found)
        {
            if (doc is not null)
            {
                result.Add(doc);
            }
        }

        return result;
    }

    public async Task<string> CreateAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var key = Invalidate(container, partitionKey, id);
        var etag = await inner.CreateAsync(container, partitionKey, id, document, type, cancellationToken);
        Invalidate(key);
        return etag;
    }

    public async Task<string> UpsertAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        var key = Invalidate(container, partitionKey, id);
        try
        {
            return await inner.UpsertAsync(container, partitionKey, id, document, type, ifMatch, cancellationToken);
        }
        finally
        {
            Invalidate(key);
        }
    }

    public async Task<string> ReplaceAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        var key = Invalidate(container, partitionKey, id);
        try
        {
            return await inner.ReplaceAsync(container, partitionKey, id, document, type, ifMatch, cancellationToken);
        }
        finally
        {
            Invalidate(key);
        }
    }

    public async Task<bool> DeleteAsync(string container, string partitionKey, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var key = Invalidate(container, partitionKey, id);
        try
        {
            return await inner.DeleteAsync(container, partitionKey, id, ifMatch, cancellationToken);
        }
        finally
        {
            Invalidate(key);
        }
    }

    public async Task<string> PatchAsync(string container, string partitionKey, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken)
    {
        var key = Invalidate(container, partitionKey, id);
        try
        {
            return await inner.PatchAsync(container, partitionKey, id, operations, ifMatch, cancellationToken);
        }
        finally
        {
            Invalidate(key);
        }
    }

    /// <summary>
    /// Pages without filters or continuation are cached until the partition is written through
    /// this store (or the time to live passes): the newest page of a busy timeline is read far
    /// more often than it changes.
    /// </summary>
    public async Task<DocumentPage<T>> QueryAsync<T>(string container, DocumentQuery query, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Continuation is not null || query.Filters.Count > 0)
        {
            return await inner.QueryAsync(container, query, type, cancellationToken);
        }

        var bucket = Bucket(container, query.PartitionKey);
        var version = Volatile.Read(ref _partitionWrites[bucket]);
        var key = new PageKey(container, query.PartitionKey, query.IdBefore, query.IdAfter, query.Descending, query.Limit, version);
        if (_pages.TryGetValue(key, out var entry) && entry.ExpiresAt >= time.GetTimestamp() && entry.Document is DocumentPage<T> cached)
        {
            return cached;
        }

        var page = await inner.QueryAsync(container, query, type, cancellationToken);
        if (Volatile.Read(ref _partitionWrites[bucket]) == version)
        {
            if (_pages.Count >= options.MaxEntries / 10)
            {
                _pages.Clear();
            }

            _pages[key] = new Entry(page, time.GetTimestamp() + (long)(options.TimeToLive.TotalSeconds * time.TimestampFrequency));
        }

        return page;
    }

    private bool TryGet<T>(Key key, out StoredDocument<T>? document)
    {
        document = null;
        if (!_entries.TryGetValue(key, out var entry) || entry.ExpiresAt < time.GetTimestamp())
        {
            return false;
        }

        switch (entry.Document)
        {
            case null:
                return true;
            case StoredDocument<T> typed:
                document = typed;
                return true;
            default:
                // Read before as another type: let the store answer.
                return false;
        }
    }

    private void Remember<T>(Key key, StoredDocument<T>? document, long writesBefore)
    {
        // A write anywhere since the read began may have changed this key: don't cache what may be stale.
        if (Volatile.Read(ref _writes) != writesBefore)
        {
            return;
        }

        if (_entries.Count >= options.MaxEntries)
        {
            // Crude but cheap: start over rather than track recency on every hit.
            _entries.Clear();
        }

        _entries[key] = new Entry(document, time.GetTimestamp() + (long)(options.TimeToLive.TotalSeconds * time.TimestampFrequency));
    }

    private int Bucket(string container, string partitionKey) =>
        (int)((uint)HashCode.Combine(container, partitionKey) % (uint)_partitionWrites.Length);

    private Key Invalidate(string container, string partitionKey, string id)
    {
        var key = new Key(container, partitionKey, id);
        Invalidate(key);
        return key;
    }

    private void Invalidate(Key key)
    {
        Interlocked.Increment(ref _writes);
        Interlocked.Increment(ref _partitionWrites[Bucket(key.Container, key.PartitionKey)]);
        _entries.TryRemove(key, out _);
    }
}

/// <summary>How much the cache keeps and for how long.</summary>
public sealed record CacheOptions
{
    /// <summary>How long an entry is trusted; bounds how stale a write by another process can look.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromSeconds(5);

    // About 1–2 KB a status: this keeps the cache near 15 MB.
    public int MaxEntries { get; init; } = 10_000;
}
