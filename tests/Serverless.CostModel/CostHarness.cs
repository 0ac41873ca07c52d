using Serverless.Azure.Cosmos;
using Serverless.Core.Storage;

namespace Serverless.CostModel;

/// <summary>What one call cost in Cosmos DB requests, the queue work it caused included.</summary>
public sealed record CallCost(string Name, bool Cold, CosmosChargeSnapshot Spent, string? Note = null)
{
    public double EstimatedRequestUnits => RuRates.Estimate(Spent);

    public long Reads => Spent.RequestsOf("read");

    public long ReadManys => Spent.RequestsOf("read_many");

    public long Queries => Spent.RequestsOf("query");

    public long Writes => Spent.Rows.Where(r => r.Operation is "create" or "upsert" or "replace" or "patch" or "delete").Sum(r => r.Requests);
}

/// <summary>
/// Measures calls against the instance on Cosmos DB: waits for the queues to drain, takes a
/// snapshot of <see cref="CosmosRequestCharges"/>, makes the call, waits for the work it queued,
/// and keeps the difference.
/// </summary>
public sealed class CostHarness(Instance instance)
{
    /// <summary>
    /// Longer than <see cref="CacheOptions.TimeToLive"/>: waiting this long before a call makes
    /// every read reach Cosmos DB, as on a fresh Functions instance or another one.
    /// </summary>
    public static readonly TimeSpan CacheExpiry = new CacheOptions().TimeToLive + TimeSpan.FromMilliseconds(300);

    /// <summary>How long without a Cosmos request or queued work counts as drained.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(600);

    public Instance Instance => instance;

    public List<CallCost> Results { get; } = [];

    /// <summary>Measures <paramref name="call"/> (and its queued work); cold waits out the read cache first.</summary>
    public async Task<CallCost> MeasureAsync(string name, bool cold, Func<Task> call, CancellationToken cancellationToken, Func<Task>? waitFor = null, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        var charges = instance.Charges ?? throw new InvalidOperationException("The measured instance must run on Cosmos DB.");
        await instance.WaitForQueuesAsync(Quiet, cancellationToken);
        if (cold)
        {
            await Task.Delay(CacheExpiry, cancellationToken);
        }

        var before = charges.Snapshot();
        await call();
        if (waitFor is not null)
        {
            await waitFor();
        }

        await instance.WaitForQueuesAsync(Quiet, cancellationToken);
        var spent = WithoutTimer(charges.Snapshot().Since(before), ref note);
        var cost = new CallCost(name, cold, spent, note);
        Results.Add(cost);
        return cost;
    }

    /// <summary>
    /// The host's 30-second timer (scheduled statuses, poll ends) makes one query of the
    /// <c>scheduled</c> container's due index; a tick that fell inside a measured call is not its cost.
    /// </summary>
    private static CosmosChargeSnapshot WithoutTimer(CosmosChargeSnapshot spent, ref string? note)
    {
        var timer = spent.Rows.FirstOrDefault(r => r.Container == Containers.Scheduled && r.Operation == "query");
        if (timer is null)
        {
            return spent;
        }

        note = (note is null ? "" : note + " ") + "(A timer tick's due-index query left out.)";
        var rows = spent.Rows.Where(r => r != timer).ToList();
        if (timer.Requests > 1)
        {
            rows.Add(timer with { Requests = timer.Requests - 1, Items = 0, Bytes = 0 });
        }

        return new CosmosChargeSnapshot(rows);
    }
}
