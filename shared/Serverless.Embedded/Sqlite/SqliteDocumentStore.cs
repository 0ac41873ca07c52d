using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Storage;

namespace Serverless.Embedded.Sqlite;

/// <summary>
/// The document store on one SQLite file: one table per container, keyed (pk, id) without a
/// rowid, so that a page of a partition is a range scan of the primary key. Reads run in
/// parallel on pooled connections; writes from this process take turns (SQLite has one writer
/// anyway, and queueing here is cheaper than SQLite's busy retries).
/// </summary>
public sealed partial class SqliteDocumentStore : IDocumentStore, IDisposable
{
    /// <summary>Cosmos DB's item size limit; enforced here so that code that fits here fits there.</summary>
    public const int MaxDocumentBytes = 2 * 1024 * 1024;

    /// <summary>Cosmos DB's id length limit (in bytes there; in characters here).</summary>
    public const int MaxIdLength = 1023;

    private const string ContinuationPrefix = "c1:";

    private static readonly System.Buffers.SearchValues<char> ForbiddenIdChars = System.Buffers.SearchValues.Create("/\\?#");

    private readonly SqliteConnectionPool _pool;
    private readonly ConcurrentDictionary<string, TableStatements> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _querySql = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly ILogger _logger;
    private readonly string _etagPrefix = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
    private long _etagCounter;
    private bool _disposed;

    /// <summary>Opens (or creates) the database file and every container in <see cref="Containers.All"/>.</summary>
    public SqliteDocumentStore(string databasePath, ILogger<SqliteDocumentStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _logger = logger ?? NullLogger<SqliteDocumentStore>.Instance;
        _pool = new SqliteConnectionPool(DatabasePath);
        foreach (var container in Containers.All)
        {
            Table(container);
        }

        LogOpened(_logger, DatabasePath, Containers.All.Count);
    }

    public string DatabasePath { get; }

    public Task<StoredDocument<T>?> ReadAsync<T>(string container, string partitionKey, string id, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        ArgumentNullException.ThrowIfNull(type);
        cancellationToken.ThrowIfCancellationRequested();
        var table = Table(container);
        var connection = _pool.Rent();
        try
        {
            return Task.FromResult(ReadOne(connection, table, partitionKey, id, type));
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    public Task<IReadOnlyList<StoredDocument<T>>> ReadManyAsync<T>(string container, IReadOnlyList<DocumentKey> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(type);
        foreach (var key in keys)
        {
            ValidateKey(key.PartitionKey, key.Id);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var table = Table(container);
        var results = new List<StoredDocument<T>>(keys.Count);
        var connection = _pool.Rent();
        try
        {
            // Point reads on one connection: a primary-key lookup costs microseconds, and the
            // order asked is kept for free.
            foreach (var key in keys)
            {
                if (ReadOne(connection, table, key.PartitionKey, key.Id, type) is { } document)
                {
                    results.Add(document);
                }
            }
        }
        finally
        {
            _pool.Return(connection);
        }

        return Task.FromResult<IReadOnlyList<StoredDocument<T>>>(results);
    }

    public Task<string> CreateAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        var table = Table(container);
        var body = Serialize(document, type);
        return WriteAsync(connection =>
        {
            var etag = NewETag();
            var inserted = connection.Command(table.Insert)
                .Set("$pk", partitionKey).Set("$id", id).Set("$etag", etag).Set("$body", body)
                .ExecuteNonQuery();
            return inserted == 1 ? etag : throw new DocumentConflictException(container, partitionKey, id);
        }, cancellationToken);
    }

    public Task<string> UpsertAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        var table = Table(container);
        var body = Serialize(document, type);
        return WriteAsync(connection =>
        {
            var etag = NewETag();
            if (ifMatch is null)
            {
                connection.Command(table.Upsert)
                    .Set("$pk", partitionKey).Set("$id", id).Set("$etag", etag).Set("$body", body)
                    .ExecuteNonQuery();
                return etag;
            }

            // With an ETag the document must exist and be unchanged, as on Cosmos DB.
            var updated = connection.Command(table.UpdateIfMatch)
                .Set("$pk", partitionKey).Set("$id", id).Set("$etag", etag).Set("$body", body).Set("$ifMatch", ifMatch)
                .ExecuteNonQuery();
            return updated == 1 ? etag : throw new DocumentPreconditionFailedException(container, partitionKey, id);
        }, cancellationToken);
    }

    public Task<string> ReplaceAsync<T>(string container, string partitionKey, string id, T document, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        var table = Table(container);
        var body = Serialize(document, type);
        return WriteAsync(connection =>
        {
            var etag = NewETag();
            var command = ifMatch is null ? connection.Command(table.Update) : connection.Command(table.UpdateIfMatch).Set("$ifMatch", ifMatch);
            var updated = command.Set("$pk", partitionKey).Set("$id", id).Set("$etag", etag).Set("$body", body).ExecuteNonQuery();
            if (updated == 1)
            {
                return etag;
            }

            // Nothing written: tell a missing document from a changed one.
            throw Exists(connection, table, partitionKey, id)
                ? new DocumentPreconditionFailedException(container, partitionKey, id)
                : new DocumentNotFoundException(container, partitionKey, id);
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string container, string partitionKey, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        var table = Table(container);
        return WriteAsync(connection =>
        {
            var command = ifMatch is null ? connection.Command(table.Delete) : connection.Command(table.DeleteIfMatch).Set("$ifMatch", ifMatch);
            var deleted = command.Set("$pk", partitionKey).Set("$id", id).ExecuteNonQuery();
            if (deleted == 1)
            {
                return true;
            }

            return ifMatch is not null && Exists(connection, table, partitionKey, id)
                ? throw new DocumentPreconditionFailedException(container, partitionKey, id)
                : false;
        }, cancellationToken);
    }

    public Task<string> PatchAsync(string container, string partitionKey, string id, IReadOnlyList<PatchOperation> operations, string? ifMatch, CancellationToken cancellationToken)
    {
        ValidateKey(partitionKey, id);
        JsonPatcher.Validate(operations);
        var table = Table(container);
        return WriteAsync(connection =>
        {
            // BEGIN IMMEDIATE: the read and the write are one step even against other processes.
            using var transaction = connection.Connection.BeginTransaction(deferred: false);
            string etag;
            string body;
            using (var reader = connection.Command(table.Read, transaction).Set("$pk", partitionKey).Set("$id", id).ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw new DocumentNotFoundException(container, partitionKey, id);
                }

                etag = reader.GetString(0);
                body = reader.GetString(1);
            }

            if (ifMatch is not null && !string.Equals(ifMatch, etag, StringComparison.Ordinal))
            {
                throw new DocumentPreconditionFailedException(container, partitionKey, id);
            }

            var node = JsonNode.Parse(body) as JsonObject ?? throw new DocumentStoreException($"The document '{id}' in {container}/{partitionKey} is not a JSON object.");
            JsonPatcher.Apply(node, operations);
            var newBody = node.ToJsonString();
            CheckSize(newBody);
            var newETag = NewETag();
            connection.Command(table.Update, transaction)
                .Set("$pk", partitionKey).Set("$id", id).Set("$etag", newETag).Set("$body", newBody)
                .ExecuteNonQuery();
            transaction.Commit();
            return newETag;
        }, cancellationToken);
    }

    public Task<DocumentPage<T>> QueryAsync<T>(string container, DocumentQuery query, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(query.PartitionKey, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        cancellationToken.ThrowIfCancellationRequested();
        var table = Table(container);

        // A continuation is the last id returned: it tightens the bound on the side we page to.
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

        var filters = query.Filters ?? [];
        var filterKinds = new FilterKind[filters.Count];
        var filterValues = new object[filters.Count];
        for (var i = 0; i < filters.Count; i++)
        {
            (filterKinds[i], filterValues[i]) = FilterValue(filters[i]);
        }

        var sql = QuerySql(table.Name, query.Descending, before is not null, after is not null, filterKinds);
        var items = new List<StoredDocument<T>>(Math.Min(query.Limit, 256));
        string? continuation = null;
        var connection = _pool.Rent();
        try
        {
            var command = connection.Command(sql).Set("$pk", query.PartitionKey).Set("$limit", (long)query.Limit + 1);
            if (before is not null)
            {
                command.Set("$before", before);
            }

            if (after is not null)
            {
                command.Set("$after", after);
            }

            for (var i = 0; i < filters.Count; i++)
            {
                command.Set(FilterPathParameter(i), JsonPathOf(filters[i].Field)).Set(FilterValueParameter(i), filterValues[i]);
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (items.Count == query.Limit)
                {
                    // One row more than asked: there is another page after the last item.
                    continuation = EncodeContinuation(items[^1].Id);
                    break;
                }

                items.Add(new StoredDocument<T>(query.PartitionKey, reader.GetString(0), reader.GetString(1), Deserialize(reader, 2, type)));
            }
        }
        finally
        {
            _pool.Return(connection);
        }

        return Task.FromResult(new DocumentPage<T>(items, continuation));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _pool.Dispose();
    }

    private static StoredDocument<T>? ReadOne<T>(PooledSqliteConnection connection, TableStatements table, string partitionKey, string id, JsonTypeInfo<T> type)
    {
        using var reader = connection.Command(table.Read).Set("$pk", partitionKey).Set("$id", id).ExecuteReader();
        return reader.Read() ? new StoredDocument<T>(partitionKey, id, reader.GetString(0), Deserialize(reader, 1, type)) : null;
    }

    private static bool Exists(PooledSqliteConnection connection, TableStatements table, string partitionKey, string id) =>
        connection.Command(table.Exists).Set("$pk", partitionKey).Set("$id", id).ExecuteScalar() is not null;

    private Task<TResult> WriteAsync<TResult>(Func<PooledSqliteConnection, TResult> write, CancellationToken cancellationToken)
    {
        return _pool.WriteAsync(write, cancellationToken);
    }

    private TableStatements Table(string container)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        if (_tables.TryGetValue(container, out var table))
        {
            return table;
        }

        if (!IsValidContainerName(container))
        {
            throw new ArgumentException($"'{container}' is not a container name (letters, digits, '-' and '_').", nameof(container));
        }

        lock (_createGate)
        {
            if (_tables.TryGetValue(container, out table))
            {
                return table;
            }

            table = new TableStatements(container);
            var connection = _pool.Rent();
            try
            {
                // WITHOUT ROWID: rows live in the (pk, id) b-tree, so a partition page is one range scan.
                connection.Command($"CREATE TABLE IF NOT EXISTS {table.Name} (pk TEXT NOT NULL, id TEXT NOT NULL, etag TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (pk, id)) WITHOUT ROWID;")
                    .ExecuteNonQuery();
            }
            finally
            {
                _pool.Return(connection);
            }

            _tables[container] = table;
            return table;
        }
    }

    private static bool IsValidContainerName(string name)
    {
        if (name.Length > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    private string QuerySql(string table, bool descending, bool hasBefore, bool hasAfter, FilterKind[] filters)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{table}|{descending}|{hasBefore}|{hasAfter}|{string.Join(',', filters)}");
        return _querySql.GetOrAdd(key, _ =>
        {
            var sql = new StringBuilder("SELECT id, etag, body FROM ").Append(table).Append(" WHERE pk = $pk");
            if (hasBefore)
            {
                sql.Append(" AND id < $before");
            }

            if (hasAfter)
            {
                sql.Append(" AND id > $after");
            }

            for (var i = 0; i < filters.Length; i++)
            {
                // json_type tells true from 1; json_extract compares strings and numbers by type.
                sql.Append(filters[i] == FilterKind.Boolean ? " AND json_type(body, " : " AND json_extract(body, ")
                    .Append(FilterPathParameter(i)).Append(") = ").Append(FilterValueParameter(i));
            }

            sql.Append(" ORDER BY id ").Append(descending ? "DESC" : "ASC").Append(" LIMIT $limit;");
            return sql.ToString();
        });
    }

    private static string FilterPathParameter(int index) => "$f" + index.ToString(CultureInfo.InvariantCulture);

    private static string FilterValueParameter(int index) => "$v" + index.ToString(CultureInfo.InvariantCulture);

    private static string JsonPathOf(string field)
    {
        if (string.IsNullOrEmpty(field) || field.Contains('"', StringComparison.Ordinal) || field.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{field}' is not a filterable top-level field name.", nameof(field));
        }

        return "$.\"" + field + "\"";
    }

    private static (FilterKind Kind, object Value) FilterValue(FieldFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(filter.Value, nameof(filter));
        JsonPathOf(filter.Field);
        switch (filter.Value.GetValueKind())
        {
            case JsonValueKind.String:
                return (FilterKind.Value, filter.Value.TryGetValue<string>(out var text) ? text : JsonDocument.Parse(filter.Value.ToJsonString()).RootElement.GetString()!);
            case JsonValueKind.Number:
                var number = filter.Value.ToJsonString();
                return long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    ? (FilterKind.Value, integer)
                    : (FilterKind.Value, double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
            case JsonValueKind.True:
                return (FilterKind.Boolean, "true");
            case JsonValueKind.False:
                return (FilterKind.Boolean, "false");
            default:
                throw new ArgumentException($"The filter on '{filter.Field}' must compare with a string, number or boolean.", nameof(filter));
        }
    }

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

    /// <summary>Checks ids as Cosmos DB would, so that code that passes here does not fail there.</summary>
    private static void ValidateKey(string partitionKey, string id)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Length > MaxIdLength)
        {
            throw new ArgumentException($"Document ids are at most {MaxIdLength} characters.", nameof(id));
        }

        if (id.AsSpan().IndexOfAny(ForbiddenIdChars) >= 0)
        {
            throw new ArgumentException($"The document id '{id}' contains one of / \\ ? # (Cosmos DB cannot read such ids back); hash it first.", nameof(id));
        }
    }

    private static string Serialize<T>(T document, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var body = JsonSerializer.Serialize(document, type);
        CheckSize(body);
        return body;
    }

    private static void CheckSize(string body)
    {
        // A UTF-8 byte count only when the length alone cannot settle it (a char is 1–3 bytes).
        if (body.Length * 3L > MaxDocumentBytes && Encoding.UTF8.GetByteCount(body) > MaxDocumentBytes)
        {
            throw new DocumentStoreException($"The document is larger than {MaxDocumentBytes} bytes, Cosmos DB's item size limit.");
        }
    }

    private static T Deserialize<T>(SqliteDataReader reader, int ordinal, JsonTypeInfo<T> type)
    {
        // The TEXT column read as bytes is its UTF-8 form: no UTF-16 string in between.
        var utf8 = reader.GetFieldValue<byte[]>(ordinal);
        return JsonSerializer.Deserialize(utf8, type)!;
    }

    private string NewETag() =>
        string.Create(CultureInfo.InvariantCulture, $"\"{_etagPrefix}-{Interlocked.Increment(ref _etagCounter):x}\"");

    private enum FilterKind
    {
        Value,
        Boolean,
    }

    /// <summary>The SQL of one container's table, built once.</summary>
    private sealed class TableStatements
    {
        public TableStatements(string container)
        {
            Name = "\"doc_" + container + "\"";
            Read = $"SELECT etag, body FROM {Name} WHERE pk = $pk AND id = $id;";
            Exists = $"SELECT 1 FROM {Name} WHERE pk = $pk AND id = $id;";
            Insert = $"INSERT INTO {Name} (pk, id, etag, body) VALUES ($pk, $id, $etag, $body) ON CONFLICT (pk, id) DO NOTHING;";
            Upsert = $"INSERT INTO {Name} (pk, id, etag, body) VALUES ($pk, $id, $etag, $body) ON CONFLICT (pk, id) DO UPDATE SET etag = excluded.etag, body = excluded.body;";
            Update = $"UPDATE {Name} SET etag = $etag, body = $body WHERE pk = $pk AND id = $id;";
            UpdateIfMatch = $"UPDATE {Name} SET etag = $etag, body = $body WHERE pk = $pk AND id = $id AND etag = $ifMatch;";
            Delete = $"DELETE FROM {Name} WHERE pk = $pk AND id = $id;";
            DeleteIfMatch = $"DELETE FROM {Name} WHERE pk = $pk AND id = $id AND etag = $ifMatch;";
        }

        public string Name { get; }

        public string Read { get; }

        public string Exists { get; }

        public string Insert { get; }

        public string Upsert { get; }

        public string Update { get; }

        public string UpdateIfMatch { get; }

        public string Delete { get; }

        public string DeleteIfMatch { get; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened document store {Path} with {ContainerCount} containers")]
    private static partial void LogOpened(ILogger logger, string path, int containerCount);
}
