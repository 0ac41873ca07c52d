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
    private long _writes;

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

    public Task<DocumentPage<T>> QueryAsync<T>(string container, DocumentQuery query, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        inner.QueryAsync(container, query, type, cancellationToken);

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

    private Key Invalidate(string container, string partitionKey, string id)
    {
        var key = new Key(container, partitionKey, id);
        Invalidate(key);
        return key;
    }

    private void Invalidate(Key key)
    {
        Interlocked.Increment(ref _writes);
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
