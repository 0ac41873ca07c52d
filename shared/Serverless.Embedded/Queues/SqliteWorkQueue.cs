using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Queues;
using Serverless.Embedded.Sqlite;

namespace Serverless.Embedded.Queues;

/// <summary>
/// A durable work queue in its own SQLite file, with Service Bus-like semantics: peek-lock
/// receive with a visibility timeout, complete, abandon, scheduled messages, a delivery count
/// and a dead-letter table. Senders in this process wake waiting consumers at once; consumers
/// still poll for scheduled messages and for messages sent by other processes.
/// </summary>
public sealed partial class SqliteWorkQueue : IWorkQueue, IDisposable
{
    /// <summary>The dead-letter reason used when a message ran out of deliveries.</summary>
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            body TEXT NOT NULL,
            visible_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL DEFAULT 0,
            enqueued_at INTEGER NOT NULL,
            lease_token TEXT NULL);
        CREATE INDEX IF NOT EXISTS messages_due ON messages (queue, visible_at, id);
        CREATE TABLE IF NOT EXISTS dead_letters (
            id INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            body TEXT NOT NULL,
            delivery_count INTEGER NOT NULL,
            enqueued_at INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL,
            reason TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS dead_letters_queue ON dead_letters (queue, id);
        """;

    private const string InsertSql = "INSERT INTO messages (queue, body, visible_at, delivery_count, enqueued_at) VALUES ($queue, $body, $visibleAt, 0, $now);";
    private const string AnyDueSql = "SELECT EXISTS (SELECT 1 FROM messages WHERE queue = $queue AND visible_at <= $now);";
    private const string NextDueSql = "SELECT id, delivery_count FROM messages WHERE queue = $queue AND visible_at <= $now ORDER BY visible_at, id LIMIT 1;";
    private const string ClaimSql = "UPDATE messages SET visible_at = $until, delivery_count = delivery_count + 1, lease_token = $token WHERE id = $id RETURNING body, delivery_count, enqueued_at;";
    private const string CompleteSql = "DELETE FROM messages WHERE id = $id AND lease_token = $token;";
    private const string AbandonSql = "UPDATE messages SET visible_at = $visibleAt, lease_token = NULL WHERE id = $id AND lease_token = $token;";
    private const string ReleaseSql = "UPDATE messages SET visible_at = $visibleAt, lease_token = NULL, delivery_count = MAX(delivery_count - 1, 0) WHERE id = $id AND lease_token = $token;";
    private const string RenewSql = "UPDATE messages SET visible_at = $until WHERE id = $id AND lease_token = $token;";
    private const string MoveToDeadLetterSql = """
        INSERT INTO dead_letters (id, queue, body, delivery_count, enqueued_at, dead_lettered_at, reason)
        SELECT id, queue, body, delivery_count, enqueued_at, $now, $reason FROM messages WHERE id = $id AND ($token IS NULL OR lease_token = $token);
        """;
    private const string DeleteMessageSql = "DELETE FROM messages WHERE id = $id;";
    private const string RequeueSql = """
        INSERT INTO messages (id, queue, body, visible_at, delivery_count, enqueued_at)
        SELECT id, queue, body, $now, 0, enqueued_at FROM dead_letters WHERE id = $id;
        """;
    private const string DeleteDeadLetterSql = "DELETE FROM dead_letters WHERE id = $id;";

    private readonly SqliteConnectionPool _pool;
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);
    private readonly SqliteWorkQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly QueueTelemetry? _telemetry;
    private readonly ILogger _logger;
    private bool _disposed;

    public SqliteWorkQueue(string databasePath, SqliteWorkQueueOptions? options = null, TimeProvider? time = null, QueueTelemetry? telemetry = null, ILogger<SqliteWorkQueue>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _options = options ?? new SqliteWorkQueueOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDeliveryCount, 1, nameof(options));
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry;
        _logger = logger ?? NullLogger<SqliteWorkQueue>.Instance;
        _pool = new SqliteConnectionPool(DatabasePath, maxIdle: 16);
        var connection = _pool.Rent();
        try
        {
            connection.Command(Schema).ExecuteNonQuery();
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    public string DatabasePath { get; }

    public int MaxDeliveryCount => _options.MaxDeliveryCount;

    public async Task SendAsync(string queue, string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        ValidateQueue(queue);
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length > _options.MaxMessageBytes / 3 && Encoding.UTF8.GetByteCount(body) > _options.MaxMessageBytes)
        {
            throw new ArgumentException($"A queue message may be at most {_options.MaxMessageBytes} bytes; put the data in storage and send its id.", nameof(body));
        }

        var now = _time.GetUtcNow();
        var visibleAt = delay > TimeSpan.Zero ? now + delay : now;
        await WriteAsync(connection => connection.Command(InsertSql)
            .Set("$queue", queue).Set("$body", body).Set("$visibleAt", visibleAt.ToUnixTimeMilliseconds()).Set("$now", now.ToUnixTimeMilliseconds())
            .ExecuteNonQuery(), cancellationToken);
        if (delay <= TimeSpan.Zero)
        {
            Pulse(queue);
        }
    }

    /// <summary>
    /// Locks the next visible message of the queue for <paramref name="visibilityTimeout"/> and
    /// returns it, or returns null when none is due. Messages that have used up their deliveries
    /// are dead-lettered on the way instead of being handed out.
    /// </summary>
    public async Task<QueueLease?> ReceiveAsync(string queue, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ValidateQueue(queue);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(visibilityTimeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();

        // A cheap read first, so that idle polling never takes the write lock.
        var now = _time.GetUtcNow();
        var reader = _pool.Rent();
        try
        {
            if (reader.Command(AnyDueSql).Set("$queue", queue).Set("$now", now.ToUnixTimeMilliseconds()).ExecuteScalar() is 0L)
            {
                return null;
            }
        }
        finally
        {
            _pool.Return(reader);
        }

        var deadLettered = new List<(long Id, int Deliveries)>();
        var lease = await WriteAsync(connection =>
        {
            now = _time.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            using var transaction = connection.Connection.BeginTransaction(deferred: false);
            while (true)
            {
                long id;
                int deliveries;
                using (var next = connection.Command(NextDueSql, transaction).Set("$queue", queue).Set("$now", nowMs).ExecuteReader())
                {
                    if (!next.Read())
                    {
                        transaction.Commit();
                        return null;
                    }

                    id = next.GetInt64(0);
                    deliveries = next.GetInt32(1);
                }

                if (deliveries >= _options.MaxDeliveryCount)
                {
                    // Its last delivery's lease ran out (a crash or a hang): give up on it.
                    MoveToDeadLetter(connection, transaction, id, token: null, MaxDeliveryCountExceeded, nowMs);
                    deadLettered.Add((id, deliveries));
                    continue;
                }

                var token = Guid.NewGuid().ToString("N");
                var until = now + visibilityTimeout;
                using var claimed = connection.Command(ClaimSql, transaction)
                    .Set("$id", id).Set("$until", until.ToUnixTimeMilliseconds()).Set("$token", token)
                    .ExecuteReader();
                claimed.Read();
                var message = new QueueMessage(id.ToString(CultureInfo.InvariantCulture), queue, claimed.GetString(0), claimed.GetInt32(1));
                var enqueuedAt = DateTimeOffset.FromUnixTimeMilliseconds(claimed.GetInt64(2));
                claimed.Close();
                transaction.Commit();
                return new QueueLease(message, token, enqueuedAt, until);
            }
        }, cancellationToken);

        foreach (var (id, deliveries) in deadLettered)
        {
            LogDeadLettered(_logger, queue, id, deliveries, MaxDeliveryCountExceeded);
            _telemetry?.DeadLettered.Add(1, new KeyValuePair<string, object?>(QueueTelemetry.QueueTag, queue));
        }

        return lease;
    }

    /// <summary>Removes a handled message. False when the lease was lost (it expired and another consumer took the message).</summary>
    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WriteAsync(connection => connection.Command(CompleteSql)
            .Set("$id", lease.SequenceNumber).Set("$token", lease.LeaseToken)
            .ExecuteNonQuery() == 1, cancellationToken);
    }

    /// <summary>Unlocks a message so that it is delivered again after <paramref name="delay"/>; the delivery counts.</summary>
    public async Task<bool> AbandonAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var visibleAt = _time.GetUtcNow() + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        var done = await WriteAsync(connection => connection.Command(AbandonSql)
            .Set("$id", lease.SequenceNumber).Set("$token", lease.LeaseToken).Set("$visibleAt", visibleAt.ToUnixTimeMilliseconds())
            .ExecuteNonQuery() == 1, cancellationToken);
        if (done && delay <= TimeSpan.Zero)
        {
            Pulse(lease.Message.Queue);
        }

        return done;
    }

    /// <summary>
    /// Unlocks a message at once without counting the delivery: for a consumer that is shutting
    /// down before it could handle the message.
    /// </summary>
    public async Task<bool> ReleaseAsync(QueueLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = _time.GetUtcNow();
        var done = await WriteAsync(connection => connection.Command(ReleaseSql)
            .Set("$id", lease.SequenceNumber).Set("$token", lease.LeaseToken).Set("$visibleAt", now.ToUnixTimeMilliseconds())
            .ExecuteNonQuery() == 1, cancellationToken);
        if (done)
        {
            Pulse(lease.Message.Queue);
        }

        return done;
    }

    /// <summary>Extends the lock of a message still being handled. False when the lease was lost.</summary>
    public Task<bool> RenewAsync(QueueLease lease, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(visibilityTimeout, TimeSpan.Zero);
        var until = _time.GetUtcNow() + visibilityTimeout;
        return WriteAsync(connection => connection.Command(RenewSql)
            .Set("$id", lease.SequenceNumber).Set("$token", lease.LeaseToken).Set("$until", until.ToUnixTimeMilliseconds())
            .ExecuteNonQuery() == 1, cancellationToken);
    }

    /// <summary>Moves a locked message to the dead-letter table. False when the lease was lost.</summary>
    public async Task<bool> DeadLetterAsync(QueueLease lease, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var moved = await WriteAsync(connection =>
        {
            using var transaction = connection.Connection.BeginTransaction(deferred: false);
            var done = MoveToDeadLetter(connection, transaction, lease.SequenceNumber, lease.LeaseToken, reason, now);
            transaction.Commit();
            return done;
        }, cancellationToken);
        if (moved)
        {
            LogDeadLettered(_logger, lease.Message.Queue, lease.SequenceNumber, lease.Message.DeliveryCount, reason);
            _telemetry?.DeadLettered.Add(1, new KeyValuePair<string, object?>(QueueTelemetry.QueueTag, lease.Message.Queue));
        }

        return moved;
    }

    /// <summary>Puts a dead-lettered message back on its queue with a fresh delivery count (an admin action).</summary>
    public async Task<bool> RequeueDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        var sequence = ParseId(id);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string? queue = null;
        var moved = await WriteAsync(connection =>
        {
            using var transaction = connection.Connection.BeginTransaction(deferred: false);
            queue = connection.Command("SELECT queue FROM dead_letters WHERE id = $id;", transaction).Set("$id", sequence).ExecuteScalar() as string;
            if (queue is null)
            {
                return false;
            }

            connection.Command(RequeueSql, transaction).Set("$id", sequence).Set("$now", now).ExecuteNonQuery();
            connection.Command(DeleteDeadLetterSql, transaction).Set("$id", sequence).ExecuteNonQuery();
            transaction.Commit();
            return true;
        }, cancellationToken);
        if (moved)
        {
            Pulse(queue!);
        }

        return moved;
    }

    /// <summary>Counts the messages of one queue, or of all queues when <paramref name="queue"/> is null.</summary>
    public Task<QueueCounts> GetCountsAsync(string? queue, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var connection = _pool.Rent();
        try
        {
            const string Sql = """
                SELECT
                    (SELECT COUNT(*) FROM messages WHERE ($queue IS NULL OR queue = $queue) AND visible_at <= $now),
                    (SELECT COUNT(*) FROM messages WHERE ($queue IS NULL OR queue = $queue) AND visible_at > $now),
                    (SELECT COUNT(*) FROM dead_letters WHERE ($queue IS NULL OR queue = $queue));
                """;
            using var reader = connection.Command(Sql).Set("$queue", (object?)queue ?? DBNull.Value).Set("$now", now).ExecuteReader();
            reader.Read();
            return Task.FromResult(new QueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    /// <summary>Lists waiting messages (ready, scheduled or locked), oldest first.</summary>
    public Task<IReadOnlyList<PendingQueueMessage>> ListPendingAsync(string? queue, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = _pool.Rent();
        try
        {
            const string Sql = "SELECT id, queue, body, delivery_count, enqueued_at, visible_at, lease_token IS NOT NULL FROM messages WHERE ($queue IS NULL OR queue = $queue) ORDER BY id LIMIT $limit;";
            using var reader = connection.Command(Sql).Set("$queue", (object?)queue ?? DBNull.Value).Set("$limit", limit).ExecuteReader();
            var list = new List<PendingQueueMessage>();
            while (reader.Read())
            {
                list.Add(new PendingQueueMessage(
                    reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetBoolean(6)));
            }

            return Task.FromResult<IReadOnlyList<PendingQueueMessage>>(list);
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    /// <summary>Lists dead-lettered messages, oldest first.</summary>
    public Task<IReadOnlyList<DeadLetteredMessage>> ListDeadLettersAsync(string? queue, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = _pool.Rent();
        try
        {
            const string Sql = "SELECT id, queue, body, delivery_count, enqueued_at, dead_lettered_at, reason FROM dead_letters WHERE ($queue IS NULL OR queue = $queue) ORDER BY id LIMIT $limit;";
            using var reader = connection.Command(Sql).Set("$queue", (object?)queue ?? DBNull.Value).Set("$limit", limit).ExecuteReader();
            var list = new List<DeadLetteredMessage>();
            while (reader.Read())
            {
                list.Add(new DeadLetteredMessage(
                    reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetString(6)));
            }

            return Task.FromResult<IReadOnlyList<DeadLetteredMessage>>(list);
        }
        finally
        {
            _pool.Return(connection);
        }
    }

    /// <summary>
    /// A task that completes the next time this process sends to (or releases a message on) the
    /// queue. Take it before receiving, then wait on it when the queue was empty, so that no send
    /// slips between the two.
    /// </summary>
    public Task WhenMessageAvailable(string queue)
    {
        ValidateQueue(queue);
        return _signals.GetOrAdd(queue, static _ => new Signal()).Next;
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

    private static bool MoveToDeadLetter(PooledSqliteConnection connection, SqliteTransaction transaction, long id, string? token, string reason, long nowMs)
    {
        var copied = connection.Command(MoveToDeadLetterSql, transaction)
            .Set("$id", id).Set("$token", (object?)token ?? DBNull.Value).Set("$reason", reason).Set("$now", nowMs)
            .ExecuteNonQuery();
        if (copied == 0)
        {
            return false;
        }

        connection.Command(DeleteMessageSql, transaction).Set("$id", id).ExecuteNonQuery();
        return true;
    }

    private void Pulse(string queue)
    {
        if (_signals.TryGetValue(queue, out var signal))
        {
            signal.Pulse();
        }
    }

    private Task<TResult> WriteAsync<TResult>(Func<PooledSqliteConnection, TResult> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool.WriteAsync(write, cancellationToken);
    }

    private static void ValidateQueue(string queue) => ArgumentException.ThrowIfNullOrWhiteSpace(queue);

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"'{id}' is not a message id.", nameof(id));

    /// <summary>A reusable wake-up: each pulse completes the current task and arms a new one.</summary>
    private sealed class Signal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _current).Task;

        public void Pulse() =>
            Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered message {MessageId} of queue {Queue} after {DeliveryCount} deliveries: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string queue, long messageId, int deliveryCount, string reason);
}
