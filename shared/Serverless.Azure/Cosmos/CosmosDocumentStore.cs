using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Storage;
using PatchOperation = Serverless.Core.Storage.PatchOperation;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// The document store on Cosmos DB (NoSQL API), through the SDK's stream APIs with
/// System.Text.Json. An item is <c>{"id", "pk", "doc": record}</c> in a container partitioned on
/// <c>/pk</c> (<see cref="CosmosContainers"/>). Every request's charge goes to
/// <see cref="CosmosRequestCharges"/>. What the local test server lets through but Cosmos DB
/// refuses (items over 2 MB, ids it cannot read back) is refused here first, with the same
/// exceptions as the SQLite store.
/// </summary>
public sealed partial class CosmosDocumentStore : IDocumentStore
{
    /// <summary>Cosmos DB's item size limit.</summary>
    public const int MaxItemBytes = 2 * 1024 * 1024;

    /// <summary>Room left under <see cref="MaxItemBytes"/> for the system properties the service adds (_rid, _self, _etag, _attachments, _ts).</summary>
    public const int SystemPropertiesAllowance = 256;

    /// <summary>Cosmos DB's id length limit, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 1023;

    /// <summary>Cosmos DB's partition key value limit (partition key definition version 2), in UTF-8 bytes.</summary>
    public const int MaxPartitionKeyBytes = 2048;

    /// <summary>Attempts of a patch that has to go by read and replace, when other writers keep changing the document.</summary>
    private const int PatchAttempts = 10;

    private const string ContinuationPrefix = "k1:";

    private static readonly SearchValues<char> ForbiddenIdChars = SearchValues.Create("/\\?#");

    private readonly CosmosClient _client;
    private readonly CosmosOptions _options;
    private readonly CosmosRequestCharges _charges;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _warnedFilters = new(StringComparer.Ordinal);
    private readonly Lock _readyGate = new();
    private Task? _ready;

    public CosmosDocumentStore(CosmosClient client, CosmosOptions options, CosmosRequestCharges charges, ILogger<CosmosDocumentStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(charges);
        _client = client;
        _options = options;
        _charges = charges;
        _logger = logger ?? NullLogger<CosmosDocumentStore>.Instance;
    }

    public CosmosRequestCharges Charges => _charges;

    public async Task<StoredDocument<T>?> ReadAsync<T>(string container, string partitionKey, string id, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        ArgumentNullException.ThrowIfNull(type);
        using var response = await SendAsync(container, "read", c => c.ReadItemStreamAsync(id, new PartitionKey(partitionKey), null, cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            ThrowIfContainerMissing(container, "read", response);
            return null;
        }

        EnsureSuccess(container, "read", response);
        _charges.RecordItems(container, "read", 1);
        using var item = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        return ToStored(item.RootElement, partitionKey, id, response.Headers.ETag, type);
    }

    public async Task<IReadOnlyList<StoredDocument<T>>> ReadManyAsync<T>(string container, IReadOnlyList<DocumentKey> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(type);
        foreach (var key in keys)
        {
            ValidateKey(key.PartitionKey, key.Id);
        }

        if (keys.Count == 0)
        {
            return [];
        }

        var distinct = keys.Distinct().Select(k => (k.Id, new PartitionKey(k.PartitionKey))).ToList();
        using var response = await SendAsync(container, "read_many", c => c.ReadManyItemsStreamAsync(distinct, null, cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            ThrowIfContainerMissing(container, "read_many", response);
            return [];
        }

        EnsureSuccess(container, "read_many", response);
        using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        var found = new Dictionary<DocumentKey, StoredDocument<T>>(distinct.Count);
        foreach (var item in Documents(page.RootElement))
        {
            var key = new DocumentKey(item.GetProperty("pk").GetString()!, item.GetProperty("id").GetString()!);
            found[key] = ToStored(item, key.PartitionKey, key.Id, null, type);
        }

        _charges.RecordItems(container, "read_many", found.Count);

        // The service answers in no particular order: give the order asked, repeats included.
        var results = new List<StoredDocument<T>>(keys.Count);
        foreach (var key in keys)
        {
            if (found.TryGetValue(key, out var document))
            {
                results.Add(document);
            }
        }

        return results;
    }

    public async Task<string> CreateAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        using var body = Item(partitionKey, id, document, type);
        using var response = await SendAsync(container, "create", c => c.CreateItemStreamAsync(body, new PartitionKey(partitionKey), WriteOptions(null), cancellationToken), cancellationToken, body.Length);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new DocumentConflictException(container, partitionKey, id);
        }

        EnsureSuccess(container, "create", response);
        return ETagOf(container, "create", response);
    }

    public async Task<string> UpsertAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        using var body = Item(partitionKey, id, document, type);
        if (ifMatch is not null)
        {
            // With an ETag the document must exist and be unchanged: a conditional replace. (An
            // upsert with If-Match creates a missing document on Cosmos DB; the port says it fails.)
            return await ReplaceBodyAsync(container, partitionKey, id, body, ifMatch, "upsert", missingIsPreconditionFailure: true, cancellationToken);
        }

        using var response = await SendAsync(container, "upsert", c => c.UpsertItemStreamAsync(body, new PartitionKey(partitionKey), WriteOptions(null), cancellationToken), cancellationToken, body.Length);
        EnsureSuccess(container, "upsert", response);
        return ETagOf(container, "upsert", response);
    }

    public async Task<string> ReplaceAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        using var body = Item(partitionKey, id, document, type);
        return await ReplaceBodyAsync(container, partitionKey, id, body, ifMatch, "replace", missingIsPreconditionFailure: false, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string container, string partitionKey, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        using var response = await SendAsync(container, "delete", c => c.DeleteItemStreamAsync(id, new PartitionKey(partitionKey), WriteOptions(ifMatch), cancellationToken), cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                ThrowIfContainerMissing(container, "delete", response);
                return false;
            case HttpStatusCode.PreconditionFailed:
                throw new DocumentPreconditionFailedException(container, partitionKey, id);
            default:
                EnsureSuccess(container, "delete", response);
                return true;
        }
    }

    public async Task<string> PatchAsync(string container, string partitionKey, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        CosmosPatch.Validate(operations);
        var native = CosmosPatch.ToCosmos(operations);
        // Cosmos DB patches only inside existing objects; the predicate makes a patch that would
        // need a parent created fail cleanly (412) instead, and such patches go by read and replace.
        var parentsExist = CosmosPatch.ParentsPredicate(operations);
        for (var attempt = 1; ; attempt++)
        {
            var options = new PatchItemRequestOptions { IfMatchEtag = ifMatch, FilterPredicate = parentsExist, EnableContentResponseOnWrite = false };
            using (var response = await SendAsync(container, "patch", c => c.PatchItemStreamAsync(id, new PartitionKey(partitionKey), native, options, cancellationToken), cancellationToken))
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.NotFound:
                        ThrowIfContainerMissing(container, "patch", response);
                        throw new DocumentNotFoundException(container, partitionKey, id);
                    case HttpStatusCode.PreconditionFailed when parentsExist is null:
                        throw new DocumentPreconditionFailedException(container, partitionKey, id);
                    case HttpStatusCode.PreconditionFailed or HttpStatusCode.BadRequest:
                        // A parent to create, a stale ETag, or an operation that is truly invalid:
                        // the same operations applied to the read document tell which.
                        LogPatchByReplace(_logger, container, id, (int)response.StatusCode, response.ErrorMessage);
                        break;
                    default:
                        EnsureSuccess(container, "patch", response);
                        return ETagOf(container, "patch", response);
                }
            }

            if (await PatchByReplaceAsync(container, partitionKey, id, operations, ifMatch, cancellationToken) is { } etag)
            {
                return etag;
            }

            if (attempt == PatchAttempts)
            {
                throw new DocumentStoreException($"The patch of '{id}' in {container}/{partitionKey} lost {PatchAttempts} races with other writers in a row.");
            }
        }
    }

    public async Task<DocumentPage<T>> QueryAsync<T>(string container, DocumentQuery query, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(query.PartitionKey, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ValidatePartitionKey(query.PartitionKey);

        // Paging is by keyset: a continuation is the last id returned, which tightens the bound on
        // the side we page to. (The SDK's own continuation cannot page a TOP query, and TOP limit+1
        // tells in one request whether another page exists.)
        var before = query.IdBefore;
        var after = query.IdAfter;
        if (query.Continuation is not null)
        {
            var last = DecodeContinuation(query.Continuation);
            if (query.Descending)
            {
                before = before is null || string.CompareOrdinal(last, before) < 0 ? last : before;
            }
            else
            {
                after = after is null || string.CompareOrdinal(last, after) > 0 ? last : after;
            }
        }

        var definition = QueryDefinitionFor(container, query, before, after);
        var requestOptions = new QueryRequestOptions { PartitionKey = new PartitionKey(query.PartitionKey), MaxItemCount = query.Limit + 1 };
        var items = new List<StoredDocument<T>>(Math.Min(query.Limit + 1, 256));
        await EnsureReadyAsync(cancellationToken);
        using var iterator = Container(container).GetItemQueryStreamIterator(definition, null, requestOptions);
        while (iterator.HasMoreResults && items.Count <= query.Limit)
        {
            using var response = await SendAsync(container, "query", _ => iterator.ReadNextAsync(cancellationToken), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                ThrowIfContainerMissing(container, "query", response);
                break;
            }

            EnsureSuccess(container, "query", response);
            using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
            var count = items.Count;
            foreach (var item in Documents(page.RootElement))
            {
                items.Add(ToStored(item, query.PartitionKey, item.GetProperty("id").GetString()!, null, type));
            }

            _charges.RecordItems(container, "query", items.Count - count);
        }

        string? continuation = null;
        if (items.Count > query.Limit)
        {
            // One item more than asked: there is another page after the last one kept.
            items.RemoveRange(query.Limit, items.Count - query.Limit);
            continuation = EncodeContinuation(items[^1].Id);
        }

        return new DocumentPage<T>(items, continuation);
    }

    private QueryDefinition QueryDefinitionFor(string container, DocumentQuery query, string? before, string? after)
    {
        // c.pk = @pk as well as the request's partition key: the one-partition rule, said twice.
        var sql = new StringBuilder("SELECT TOP @top c.id, c._etag, c.")
            .Append(CosmosContainers.DocumentProperty).Append(" FROM c WHERE c.pk = @pk");
        if (before is not null)
        {
            sql.Append(" AND c.id < @before");
        }

        if (after is not null)
        {
            sql.Append(" AND c.id > @after");
        }

        var filters = query.Filters ?? [];
        var values = new object[filters.Count];
        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i] ?? throw new ArgumentException("A filter is null.", nameof(query));
            if (string.IsNullOrEmpty(filter.Field) || filter.Field.AsSpan().IndexOfAny('"', '\\') >= 0)
            {
                throw new ArgumentException($"'{filter.Field}' is not a filterable top-level field name.", nameof(query));
            }

            values[i] = FilterValue(filter);
            WarnIfNotIndexed(container, filter.Field);
            sql.Append(" AND c.").Append(CosmosContainers.DocumentProperty).Append("[\"").Append(filter.Field).Append("\"] = @f")
                .Append(i.ToString(CultureInfo.InvariantCulture));
        }

        sql.Append(" ORDER BY c.id ").Append(query.Descending ? "DESC" : "ASC");
        var definition = new QueryDefinition(sql.ToString())
            .WithParameter("@top", query.Limit + 1)
            .WithParameter("@pk", query.PartitionKey);
        if (before is not null)
        {
            definition.WithParameter("@before", before);
        }

        if (after is not null)
        {
            definition.WithParameter("@after", after);
        }

        for (var i = 0; i < values.Length; i++)
        {
            definition.WithParameter("@f" + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        return definition;
    }

    private static object FilterValue(FieldFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter.Value, nameof(filter));
        switch (filter.Value.GetValueKind())
        {
            case JsonValueKind.String:
                return filter.Value.GetValue<string>();
            case JsonValueKind.Number:
                var number = filter.Value.ToJsonString();
                return long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    ? integer
                    : double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                throw new ArgumentException($"The filter on '{filter.Field}' must compare with a string, number or boolean.", nameof(filter));
        }
    }

    private void WarnIfNotIndexed(string container, string field)
    {
        if (!CosmosContainers.IsIndexed(container, field) && _warnedFilters.TryAdd(container + "/" + field, true))
        {
            LogUnindexedFilter(_logger, container, field);
        }
    }

    private async Task<string> ReplaceBodyAsync(string container, string partitionKey, string id, Stream body, string? ifMatch, string operation, bool missingIsPreconditionFailure, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(container, operation, c => c.ReplaceItemStreamAsync(body, id, new PartitionKey(partitionKey), WriteOptions(ifMatch), cancellationToken), cancellationToken, body.Length);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                ThrowIfContainerMissing(container, operation, response);
                throw missingIsPreconditionFailure
                    ? new DocumentPreconditionFailedException(container, partitionKey, id)
                    : new DocumentNotFoundException(container, partitionKey, id);
            case HttpStatusCode.PreconditionFailed:
                throw new DocumentPreconditionFailedException(container, partitionKey, id);
            default:
                EnsureSuccess(container, operation, response);
                return ETagOf(container, operation, response);
        }
    }

    /// <summary>
    /// The patch as read, apply, and replace under the read ETag. Null when another writer changed
    /// the document in between (and the caller pinned no ETag): the caller tries again.
    /// </summary>
    private async Task<string?> PatchByReplaceAsync(string container, string partitionKey, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken)
    {
        JsonObject item;
        string etag;
        using (var read = await SendAsync(container, "read", c => c.ReadItemStreamAsync(id, new PartitionKey(partitionKey), null, cancellationToken), cancellationToken))
        {
            if (read.StatusCode == HttpStatusCode.NotFound)
            {
                throw new DocumentNotFoundException(container, partitionKey, id);
            }

            EnsureSuccess(container, "read", read);
            item = await JsonNode.ParseAsync(read.Content, cancellationToken: cancellationToken) as JsonObject
                ?? throw new DocumentStoreException($"The item '{id}' in {container}/{partitionKey} is not a JSON object.");
            etag = read.Headers.ETag ?? item["_etag"]?.GetValue<string>()
                ?? throw new DocumentStoreException($"Cosmos DB returned no ETag for '{id}' in {container}/{partitionKey}.");
        }

        if (ifMatch is not null && !string.Equals(ifMatch, etag, StringComparison.Ordinal))
        {
            throw new DocumentPreconditionFailedException(container, partitionKey, id);
        }

        var document = item[CosmosContainers.DocumentProperty] as JsonObject
            ?? throw new DocumentStoreException($"The document '{id}' in {container}/{partitionKey} is not a JSON object.");
        CosmosPatch.Apply(document, operations);
        using var body = Item(partitionKey, id, document, CosmosJsonContext.Default.JsonObject);
        try
        {
            return await ReplaceBodyAsync(container, partitionKey, id, body, etag, "replace", missingIsPreconditionFailure: false, cancellationToken);
        }
        catch (DocumentPreconditionFailedException) when (ifMatch is null)
        {
            return null;
        }
    }

    private static ItemRequestOptions WriteOptions(string? ifMatch) => new() { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };

    /// <summary>
    /// Sends one request, records its charge (with the bytes of the item a write sends, else of
    /// what came back), and turns a final 429 into back-pressure.
    /// </summary>
    private async Task<ResponseMessage> SendAsync(string container, string operation, Func<Container, Task<ResponseMessage>> send, CancellationToken cancellationToken, long requestBytes = 0)
    {
        await EnsureReadyAsync(cancellationToken);
        ResponseMessage response;
        try
        {
            response = await send(Container(container));
        }
        catch (CosmosException exception)
        {
            // Stream APIs answer most failures as responses; a few (timeouts, unavailable) throw.
            _charges.Record(container, operation, exception.RequestCharge, (int)exception.StatusCode, requestBytes);
            if (exception.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw Throttled(container, operation, exception.RetryAfter);
            }

            throw new DocumentStoreException($"Cosmos DB {operation} on {container} failed: {(int)exception.StatusCode}/{exception.SubStatusCode} {exception.Message}");
        }

        var bytes = requestBytes > 0 ? requestBytes : response.Content is { CanSeek: true } content ? content.Length : 0;
        _charges.Record(container, operation, response.Headers.RequestCharge, (int)response.StatusCode, bytes);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = RetryAfter(response);
            response.Dispose();
            throw Throttled(container, operation, retryAfter);
        }

        return response;
    }

    private DocumentStoreThrottledException Throttled(string container, string operation, TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } given && given > TimeSpan.Zero ? given : TimeSpan.FromSeconds(1);
        LogThrottled(_logger, operation, container, wait.TotalMilliseconds);
        return new DocumentStoreThrottledException(container, operation, wait);
    }

    private static TimeSpan? RetryAfter(ResponseMessage response) =>
        double.TryParse(response.Headers["x-ms-retry-after-ms"], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : null;

    private static void EnsureSuccess(string container, string operation, ResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var detail = status == 413
            ? $"the item is larger than Cosmos DB's {MaxItemBytes}-byte limit"
            : response.ErrorMessage;
        throw new DocumentStoreException($"Cosmos DB {operation} on {container} failed: {status}/{SubStatus(response)} {detail}");
    }

    /// <summary>404 with sub-status 1003 is a missing container or database, not a missing item: a deployment fault, never "not found".</summary>
    private void ThrowIfContainerMissing(string container, string operation, ResponseMessage response)
    {
        if (SubStatus(response) == "1003")
        {
            throw new DocumentStoreException($"Cosmos DB {operation}: the container '{container}' does not exist in database '{_options.Database}' (create it with the Bicep, or set Cosmos__createContainers for a local server).");
        }
    }

    private static string SubStatus(ResponseMessage response) => response.Headers["x-ms-substatus"] ?? "0";

    private static string ETagOf(string container, string operation, ResponseMessage response) =>
        response.Headers.ETag is { Length: > 0 } etag ? etag : throw new DocumentStoreException($"Cosmos DB {operation} on {container} returned no ETag.");

    private Container Container(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _containers.GetOrAdd(name, static (n, client) => client._client.GetContainer(client._options.Database, n), this);
    }

    /// <summary>Creates the database and containers once, before the first request, when the options ask for it (local servers).</summary>
    private Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateContainers)
        {
            return Task.CompletedTask;
        }

        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }

        lock (_readyGate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = CreateContainersAsync();
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateContainersAsync()
    {
        await CosmosContainers.EnsureCreatedAsync(_client, _options.Database, CancellationToken.None);
        LogContainersReady(_logger, _options.Database, CosmosContainers.All.Count);
    }

    /// <summary>Writes <c>{"id", "pk", "doc"}</c>, refusing an item Cosmos DB would refuse for its size.</summary>
    private static MemoryStream Item<T>(string partitionKey, string id, T document, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = type.Options.Encoder, SkipValidation = false }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("pk", partitionKey);
            writer.WritePropertyName(CosmosContainers.DocumentProperty);
            JsonSerializer.Serialize(writer, document, type);
            writer.WriteEndObject();
        }

        var length = stream.Length;
        if (length > MaxItemBytes - SystemPropertiesAllowance)
        {
            stream.Dispose();
            throw new DocumentStoreException(
                $"The document '{id}' is {length} bytes as a Cosmos DB item, over the {MaxItemBytes}-byte limit (less {SystemPropertiesAllowance} for system properties).");
        }

        stream.Position = 0;
        return stream;
    }

    private static StoredDocument<T> ToStored<T>(JsonElement item, string partitionKey, string id, string? etag, JsonTypeInfo<T> type)
    {
        etag ??= item.TryGetProperty("_etag", out var e) ? e.GetString() : null;
        if (string.IsNullOrEmpty(etag))
        {
            throw new DocumentStoreException($"Cosmos DB returned '{id}' in {partitionKey} without an ETag.");
        }

        if (!item.TryGetProperty(CosmosContainers.DocumentProperty, out var document))
        {
            throw new DocumentStoreException($"The item '{id}' in {partitionKey} has no '{CosmosContainers.DocumentProperty}': it was not written by this store.");
        }

        return new StoredDocument<T>(partitionKey, id, etag, document.Deserialize(type)!);
    }

    private static JsonElement.ArrayEnumerator Documents(JsonElement page) =>
        page.TryGetProperty("Documents", out var documents) && documents.ValueKind == JsonValueKind.Array
            ? documents.EnumerateArray()
            : throw new DocumentStoreException("Cosmos DB answered a query without a Documents array.");

    private static string EncodeContinuation(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ContinuationPrefix + lastId));

    private static string DecodeContinuation(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                return text[ContinuationPrefix.Length..];
            }
        }
        catch (FormatException)
        {
            // Reported below as a bad token.
        }

        throw new ArgumentException("The continuation token is not one this store issued.", nameof(token));
    }

    /// <summary>Checks what Cosmos DB checks (or, for ids with / \ ? #, fails on later), before any request.</summary>
    private static void ValidateKey(string partitionKey, string id)
    {
        ValidatePartitionKey(partitionKey);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            throw new ArgumentException($"Document ids are at most {MaxIdBytes} UTF-8 bytes.", nameof(id));
        }

        if (id.AsSpan().IndexOfAny(ForbiddenIdChars) >= 0)
        {
            throw new ArgumentException($"The document id '{id}' contains one of / \\ ? # (Cosmos DB cannot read such ids back); hash it first.", nameof(id));
        }
    }

    private static void ValidatePartitionKey(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (Encoding.UTF8.GetByteCount(partitionKey) > MaxPartitionKeyBytes)
        {
            throw new ArgumentException($"Partition keys are at most {MaxPartitionKeyBytes} UTF-8 bytes.", nameof(partitionKey));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB database {Database} and its {ContainerCount} containers are ready")]
    private static partial void LogContainersReady(ILogger logger, string database, int containerCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cosmos DB throttled {Operation} on {Container} after the SDK's retries; retry after {RetryAfterMs} ms")]
    private static partial void LogThrottled(ILogger logger, string operation, string container, double retryAfterMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Patch of {Id} in {Container} not applied by Cosmos DB ({Status}: {Reason}); applying it by read and replace")]
    private static partial void LogPatchByReplace(ILogger logger, string container, string id, int status, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A query of {Container} filters on {Field}, which its Cosmos DB index excludes (add it in CosmosContainers); it works but scans the partition")]
    private static partial void LogUnindexedFilter(ILogger logger, string container, string field);
}
