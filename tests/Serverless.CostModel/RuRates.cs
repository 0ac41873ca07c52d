using Serverless.Azure.Cosmos;

namespace Serverless.CostModel;

/// <summary>
/// Request units estimated from counted requests, for servers that charge nothing real (the local
/// Cosmos DB API server charges 1 for everything). Against Azure the recorded charge is the true
/// one and <see cref="CosmosChargeRow.RequestUnits"/> should be used instead.
/// </summary>
/// <remarks>
/// Reads and writes by item size follow the table in Microsoft Learn's "Understand request unit
/// consumption" (session consistency, default indexing): a 1 KB point read is 1 RU, a 1 KB write
/// 4.95 RU. Our containers index only the fields queries filter on, so real writes should cost
/// less: these are upper bounds. What the docs give no number for is assumed, and named so here:
/// a query page costs <see cref="QueryBase"/> plus a point read per item returned, a read-many
/// a point read per item found, a patch and a delete a write of a 1 KB item, a read that finds
/// nothing 1 RU.
/// </remarks>
public static class RuRates
{
    /// <summary>Assumed fixed charge of one single-partition query page (not a published figure).</summary>
    public const double QueryBase = 2.5;

    /// <summary>Assumed charge of a patch or delete, as a write of a 1 KB item.</summary>
    public const double PatchOrDelete = 4.95;

    private static readonly (double Kb, double Read, double Write)[] Table =
    [
        (1, 1.00, 4.95), (2, 1.04, 6.29), (4, 1.14, 6.67), (8, 1.33, 7.04), (16, 1.67, 9.52),
        (32, 2.19, 11.23), (64, 4.76, 22.67), (128, 9.95, 48.19), (256, 20.28, 98.29),
        (512, 40.95, 184.57), (1024, 145.90, 625.00), (2048, 291.80, 1250.00),
    ];

    /// <summary>A point read of an item of <paramref name="bytes"/>.</summary>
    public static double Read(double bytes) => Interpolate(bytes, static r => r.Read);

    /// <summary>A create, upsert or replace of an item of <paramref name="bytes"/>.</summary>
    public static double Write(double bytes) => Interpolate(bytes, static r => r.Write);

    /// <summary>The estimated request units of one row of counts.</summary>
    public static double Estimate(CosmosChargeRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        double PerItem() => row.Items > 0 ? (double)row.Bytes / row.Items : 0;
        double PerRequest() => row.Requests > 0 ? (double)row.Bytes / row.Requests : 0;
        return row.Operation switch
        {
            // Found items at their size; misses at 1 RU each.
            "read" => (row.Items * Read(PerItem())) + (row.Requests - row.Items),
            "read_many" => Math.Max(row.Requests, row.Items * Read(PerItem())),
            "query" => (row.Requests * QueryBase) + (row.Items * Read(PerItem())),
            "create" or "upsert" or "replace" => row.Requests * Write(PerRequest()),
            "patch" or "delete" => row.Requests * PatchOrDelete,
            _ => row.Requests * Write(PerRequest()),
        };
    }

    public static double Estimate(CosmosChargeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Rows.Sum(Estimate);
    }

    private static double Interpolate(double bytes, Func<(double Kb, double Read, double Write), double> pick)
    {
        var kb = bytes / 1024;
        if (kb <= Table[0].Kb)
        {
            return pick(Table[0]);
        }

        for (var i = 1; i < Table.Length; i++)
        {
            if (kb <= Table[i].Kb)
            {
                var (low, high) = (Table[i - 1], Table[i]);
                return pick(low) + ((pick(high) - pick(low)) * (kb - low.Kb) / (high.Kb - low.Kb));
            }
        }

        return pick(Table[^1]) * kb / Table[^1].Kb;
    }
}
