using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Serverless.Core.Queues;
using Serverless.Embedded;
using Serverless.Embedded.Queues;

namespace Serverless.LoadTests.Federation;

/// <summary>
/// Counts what the inbox took in, from the server's SQLite files (another process may read them
/// while the server writes: WAL): the received-activity records (<c>in:…</c> in the
/// <c>activities</c> container, one per distinct activity id, whether ingested yet or not) and the
/// <c>ingest</c> queue. The difference before and after a wrk run is the number of distinct
/// activities accepted; duplicates add nothing.
/// </summary>
internal static class IngestCounter
{
    public static async Task<int> RunAsync(string dataDirectory, string? outPath, TextWriter output, CancellationToken cancellationToken)
    {
        using var queue = new SqliteWorkQueue(Path.Combine(dataDirectory, EmbeddedServiceCollectionExtensions.QueuesFile));
        var counts = await queue.GetCountsAsync(QueueNames.Ingest, cancellationToken);
        var received = await CountReceivedAsync(Path.Combine(dataDirectory, EmbeddedServiceCollectionExtensions.DocumentsFile), cancellationToken);
        var result = new IngestCount(received, counts.Ready, counts.NotVisible, counts.DeadLettered);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"received activities: {result.Received}; ingest queue: {result.Ready} ready, {result.NotVisible} scheduled or leased, {result.DeadLettered} dead-lettered"));
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(result, FederationLoadJsonContext.Default.IngestCount), cancellationToken);
        }

        return 0;
    }

    private static async Task<long> CountReceivedAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'doc_activities';";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        // A range on the primary key: inbound records are their own partitions, "in:{hash}".
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM \"doc_activities\" WHERE pk >= 'in:' AND pk < 'in;';";
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
