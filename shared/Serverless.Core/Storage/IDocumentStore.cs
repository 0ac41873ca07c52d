using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Serverless.Core.Storage;

/// <summary>
/// The storage port: small and shaped like Cosmos DB so that every adapter can implement it
/// cheaply. Every call names one container and works inside one partition, except
/// <see cref="ReadManyAsync{T}"/>, which is a batch of point reads.
/// </summary>
/// <remarks>
/// Document ids must not contain <c>/ \ ? #</c> (Cosmos DB cannot read them back); hash
/// ActivityPub URIs first. Queries order and page by document id only, so ids that must sort by
/// time are zero-padded (<see cref="Ids.SnowflakeIds.Sortable(long)"/>).
/// </remarks>
public interface IDocumentStore
{
    /// <summary>A point read. Returns null when the document does not exist.</summary>
    Task<StoredDocument<T>?> ReadAsync<T>(string container, string partitionKey, string id, JsonTypeInfo<T> type, CancellationToken cancellationToken);

    /// <summary>Point reads of many documents, in the order asked; missing ones are left out.</summary>
    Task<IReadOnlyList<StoredDocument<T>>> ReadManyAsync<T>(string container, IReadOnlyList<DocumentKey> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken);

    /// <summary>Creates a document; throws <see cref="DocumentConflictException"/> if the id is taken in that partition.</summary>
    Task<string> CreateAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces a document. With <paramref name="ifMatch"/>, the write only happens if
    /// the stored ETag still matches (and the document exists), otherwise
    /// <see cref="DocumentPreconditionFailedException"/>.
    /// </summary>
    Task<string> UpsertAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>Replaces an existing document; throws <see cref="DocumentNotFoundException"/> if there is none.</summary>
    Task<string> ReplaceAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes a document. Returns false if it did not exist.</summary>
    Task<bool> DeleteAsync(string container, string partitionKey, string id, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// Applies partial updates atomically (at most 10 operations, as Cosmos DB allows) and returns
    /// the new ETag. Throws <see cref="DocumentNotFoundException"/> if the document is missing.
    /// </summary>
    Task<string> PatchAsync(string container, string partitionKey, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>A single-partition query ordered by document id, paged by continuation.</summary>
    Task<DocumentPage<T>> QueryAsync<T>(string container, DocumentQuery query, JsonTypeInfo<T> type, CancellationToken cancellationToken);
}

/// <summary>Where a document lives.</summary>
public readonly record struct DocumentKey(string PartitionKey, string Id);

/// <summary>A document as read back, with its concurrency token.</summary>
public sealed record StoredDocument<T>(string PartitionKey, string Id, string ETag, T Value);

/// <summary>One page of a query; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record DocumentPage<T>(IReadOnlyList<StoredDocument<T>> Items, string? Continuation);

/// <summary>
/// A query inside one partition: optional exclusive bounds on the document id, equality filters
/// on top-level properties, ordered by id, at most <see cref="Limit"/> items a page.
/// </summary>
public sealed record DocumentQuery(string PartitionKey)
{
    /// <summary>Only ids that sort strictly before this one (the <c>max_id</c> cursor).</summary>
    public string? IdBefore { get; init; }

    /// <summary>Only ids that sort strictly after this one (the <c>since_id</c>/<c>min_id</c> cursors).</summary>
    public string? IdAfter { get; init; }

    /// <summary>Newest first when true (the usual timeline order).</summary>
    public bool Descending { get; init; } = true;

    public int Limit { get; init; } = 20;

    /// <summary>Equality filters on top-level JSON properties (as serialised, e.g. camelCase).</summary>
    public IReadOnlyList<FieldFilter> Filters { get; init; } = [];

    /// <summary>An opaque token from a previous page.</summary>
    public string? Continuation { get; init; }
}

/// <summary>An equality filter: <c>c.{Field} = Value</c>. Values are strings, numbers or booleans.</summary>
public sealed record FieldFilter(string Field, JsonValue Value);

/// <summary>A Cosmos-style patch operation on a top-level or nested path such as <c>/counts/replies</c>.</summary>
public sealed record PatchOperation(PatchOperationType Type, string Path, JsonNode? Value = null)
{
    public static PatchOperation Set(string path, JsonNode? value) => new(PatchOperationType.Set, path, value);

    public static PatchOperation Increment(string path, long by) => new(PatchOperationType.Increment, path, JsonValue.Create(by));

    public static PatchOperation Remove(string path) => new(PatchOperationType.Remove, path);
}

public enum PatchOperationType
{
    Set,
    Increment,
    Remove,
}

public class DocumentStoreException(string message) : Exception(message);

public sealed class DocumentConflictException(string container, string partitionKey, string id)
    : DocumentStoreException($"A document with id '{id}' already exists in {container}/{partitionKey}.");

public sealed class DocumentNotFoundException(string container, string partitionKey, string id)
    : DocumentStoreException($"No document with id '{id}' in {container}/{partitionKey}.");

public sealed class DocumentPreconditionFailedException(string container, string partitionKey, string id)
    : DocumentStoreException($"The document '{id}' in {container}/{partitionKey} has changed (ETag mismatch).");

/// <summary>
/// The store is over its request rate (Cosmos DB's 429) even after the client's own retries.
/// Back-pressure, not a fault: a queue host should leave the message for later (abandon with a
/// delay of at least <see cref="RetryAfter"/>, or re-send a copy with that delay and complete the
/// original) rather than count it as a failed attempt; an HTTP request should answer 503 with Retry-After.
/// </summary>
public sealed class DocumentStoreThrottledException(string container, string operation, TimeSpan retryAfter)
    : DocumentStoreException($"The document store is throttling requests ({operation} on {container}); retry after {retryAfter.TotalMilliseconds:0} ms.")
{
    public string Container { get; } = container;

    public string Operation { get; } = operation;

    /// <summary>How long the store asked the client to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
