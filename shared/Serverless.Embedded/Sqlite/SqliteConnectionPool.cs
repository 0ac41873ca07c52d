using Microsoft.Data.Sqlite;

namespace Serverless.Embedded.Sqlite;

/// <summary>
/// Keeps connections open together with their prepared statements, so that a request pays for
/// neither opening a connection nor compiling SQL. Microsoft.Data.Sqlite's own pool stays on
/// underneath and catches connections beyond what this pool keeps idle.
/// </summary>
internal sealed class SqliteConnectionPool : IDisposable
{
    private readonly Lock _gate = new();

    // SQLite has one writer per database: writers from this process take turns here instead of
    // spinning on SQLITE_BUSY.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Stack<PooledSqliteConnection> _idle = new();
    private readonly int _maxIdle;
    private bool _disposed;

    public SqliteConnectionPool(string databasePath, int maxIdle = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until this many seconds have passed.
            DefaultTimeout = 30,
        }.ToString();
        _maxIdle = maxIdle > 0 ? maxIdle : Math.Max(8, Environment.ProcessorCount * 4);
    }

    public string ConnectionString { get; }

    public PooledSqliteConnection Rent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var pooled))
            {
                return pooled;
            }
        }

        return Open();
    }

    public void Return(PooledSqliteConnection connection)
    {
        lock (_gate)
        {
            if (!_disposed && _idle.Count < _maxIdle && connection.IsReusable)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    private PooledSqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            // WAL lets readers run while one writer commits; NORMAL skips the fsync per commit
            // (a power cut may lose the last commits, a process crash loses nothing).
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA temp_store=MEMORY;";
            pragma.ExecuteNonQuery();
            return new PooledSqliteConnection(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs a write on a pooled connection, one writer at a time.</summary>
    public async Task<TResult> WriteAsync<TResult>(Func<PooledSqliteConnection, TResult> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = Rent();
            try
            {
                return write(connection);
            }
            finally
            {
                Return(connection);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        PooledSqliteConnection[] idle;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            connection.Dispose();
        }

        _writeGate.Dispose();

        // Close the handles Microsoft.Data.Sqlite keeps, so that the files are released.
        using var clear = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(clear);
    }
}

/// <summary>An open connection and the commands prepared on it; used by one caller at a time.</summary>
internal sealed class PooledSqliteConnection(SqliteConnection connection) : IDisposable
{
    // Bounds the statement cache when callers build many query shapes.
    private const int MaxCachedCommands = 512;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public bool IsReusable => Connection.State == System.Data.ConnectionState.Open;

    /// <summary>A cached command for this SQL text; the statement is compiled on first use and kept.</summary>
    public SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxCachedCommands)
            {
                DisposeCommands();
            }

            command = Connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is built only from validated identifiers; values are parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        DisposeCommands();
        Connection.Dispose();
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}

internal static class SqliteCommandExtensions
{
    /// <summary>Sets a parameter, reusing the parameter object the cached command already has.</summary>
    public static SqliteCommand Set(this SqliteCommand command, string name, object value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index >= 0)
        {
            parameters[index].Value = value;
        }
        else
        {
            parameters.AddWithValue(name, value);
        }

        return command;
    }
}
