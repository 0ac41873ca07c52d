using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// The request units spent by every Cosmos DB request the store makes, kept two ways: as the
/// <c>cosmos.request_charge</c> histogram (OpenTelemetry-style, tagged with the container, the
/// operation and the status code; exported by whatever collects <see cref="MeterName"/>) and as
/// running totals in memory that tests and the cost-model benchmark read with <see cref="Snapshot"/>.
/// </summary>
public sealed class CosmosRequestCharges : IDisposable
{
    public const string MeterName = "Serverless.Azure.Cosmos";

    public const string HistogramName = "cosmos.request_charge";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _charge;
    private readonly ConcurrentDictionary<(string Container, string Operation), Total> _totals = new();

    public CosmosRequestCharges(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _charge = _meter.CreateHistogram<double>(HistogramName, unit: "{request_unit}", description: "Request units charged by Cosmos DB for one request.");
    }

    /// <summary>
    /// Records one request (a query page, a read, a write; a retried 429 counts once, as the SDK
    /// reports it). <paramref name="bytes"/>: the item sent by a write, or the payload a read or
    /// query page returned, so that a cost model can price what a local server charges nothing for.
    /// </summary>
    public void Record(string container, string operation, double requestCharge, int statusCode, long bytes = 0)
    {
        _charge.Record(
            requestCharge,
            new KeyValuePair<string, object?>("container", container),
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("status_code", statusCode));
        var total = _totals.GetOrAdd((container, operation), static _ => new Total());
        lock (total)
        {
            total.Requests++;
            total.RequestUnits += requestCharge;
            total.Bytes += bytes;
        }
    }

    /// <summary>Counts the items a read, read-many or query page returned (what their charge grows with).</summary>
    public void RecordItems(string container, string operation, long items)
    {
        var total = _totals.GetOrAdd((container, operation), static _ => new Total());
        lock (total)
        {
            total.Items += items;
        }
    }

    /// <summary>The totals so far, per container and operation, sorted.</summary>
    public CosmosChargeSnapshot Snapshot()
    {
        var rows = new List<CosmosChargeRow>(_totals.Count);
        foreach (var ((container, operation), total) in _totals)
        {
            lock (total)
            {
                rows.Add(new CosmosChargeRow(container, operation, total.Requests, total.RequestUnits, total.Items, total.Bytes));
            }
        }

        rows.Sort(static (a, b) => string.CompareOrdinal(a.Container, b.Container) is var c and not 0 ? c : string.CompareOrdinal(a.Operation, b.Operation));
        return new CosmosChargeSnapshot(rows);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private sealed class Total
    {
        public long Requests;
        public double RequestUnits;
        public long Items;
        public long Bytes;
    }
}

/// <summary>
/// Requests and request units spent on one operation in one container, with the items returned
/// (reads and queries) and the bytes sent (writes) or received (reads and queries).
/// </summary>
public sealed record CosmosChargeRow(string Container, string Operation, long Requests, double RequestUnits, long Items = 0, long Bytes = 0);

/// <summary>Totals at one moment; subtract an earlier snapshot to cost what happened in between.</summary>
public sealed record CosmosChargeSnapshot(IReadOnlyList<CosmosChargeRow> Rows)
{
    public long Requests => Rows.Sum(r => r.Requests);

    public double RequestUnits => Rows.Sum(r => r.RequestUnits);

    /// <summary>The requests of one operation (in every container when <paramref name="container"/> is null).</summary>
    public long RequestsOf(string operation, string? container = null) =>
        Rows.Where(r => r.Operation == operation && (container is null || r.Container == container)).Sum(r => r.Requests);

    /// <summary>What was spent since <paramref name="earlier"/> (rows with nothing new are left out).</summary>
    public CosmosChargeSnapshot Since(CosmosChargeSnapshot earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var before = earlier.Rows.ToDictionary(r => (r.Container, r.Operation));
        var rows = new List<CosmosChargeRow>();
        foreach (var row in Rows)
        {
            var old = before.GetValueOrDefault((row.Container, row.Operation));
            var requests = row.Requests - (old?.Requests ?? 0);
            if (requests > 0)
            {
                rows.Add(row with
                {
                    Requests = requests,
                    RequestUnits = row.RequestUnits - (old?.RequestUnits ?? 0),
                    Items = row.Items - (old?.Items ?? 0),
                    Bytes = row.Bytes - (old?.Bytes ?? 0),
                });
            }
        }

        return new CosmosChargeSnapshot(rows);
    }
}
