using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Instance;

/// <summary>Instance-wide counts shown by NodeInfo and the instance API.</summary>
public sealed record InstanceStatsRecord(long Users, long Statuses);

/// <summary>Keeps the counts in one small document, updated by atomic increments.</summary>
public sealed class InstanceStats(IDocumentStore store)
{
    private const string Key = "stats";

    public async Task<InstanceStatsRecord> ReadAsync(CancellationToken cancellationToken)
    {
        var doc = await store.ReadAsync(Containers.Instance, Key, Key, StoreJsonContext.Default.InstanceStatsRecord, cancellationToken);
        return doc?.Value ?? new InstanceStatsRecord(0, 0);
    }

    public async Task AddAsync(long users, long statuses, CancellationToken cancellationToken)
    {
        PatchOperation[] ops = [PatchOperation.Increment("/users", users), PatchOperation.Increment("/statuses", statuses)];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await store.PatchAsync(Containers.Instance, Key, Key, ops, ifMatch: null, cancellationToken);
                return;
            }
            catch (DocumentNotFoundException)
            {
                try
                {
                    await store.CreateAsync(Containers.Instance, Key, Key, new InstanceStatsRecord(users, statuses), StoreJsonContext.Default.InstanceStatsRecord, cancellationToken);
                    return;
                }
                catch (DocumentConflictException)
                {
                    // Someone created it at the same moment: patch it on the next round.
                }
            }
        }
    }
}
