using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Markers;

/// <summary>A saved read position in the <c>home</c> or <c>notifications</c> timeline. Partition: account id; id: <c>marker:{timeline}</c>.</summary>
public sealed record MarkerRecord(string Timeline, string LastReadId, long Version, DateTimeOffset UpdatedAt);

/// <summary>Read positions that clients (Tusky, Ivory, Elk) sync across devices.</summary>
public sealed class MarkerService(IDocumentStore store, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Timelines = ["home", "notifications"];

    public async Task<MarkerRecord?> GetAsync(string accountId, string timeline, CancellationToken cancellationToken)
    {
        var doc = await store.ReadAsync(Containers.UserData, accountId, "marker:" + timeline, StoreJsonContext.Default.MarkerRecord, cancellationToken);
        return doc?.Value;
    }

    /// <summary>Saves a position; the version counts saves, as Mastodon's does. Retries once on a concurrent save.</summary>
    public async Task<MarkerRecord> SaveAsync(string accountId, string timeline, string lastReadId, CancellationToken cancellationToken)
    {
        var id = "marker:" + timeline;
        for (var attempt = 0; ; attempt++)
        {
            var existing = await store.ReadAsync(Containers.UserData, accountId, id, StoreJsonContext.Default.MarkerRecord, cancellationToken);
            var marker = new MarkerRecord(timeline, lastReadId, (existing?.Value.Version ?? -1) + 1, time.GetUtcNow());
            try
            {
                if (existing is null)
                {
                    await store.CreateAsync(Containers.UserData, accountId, id, marker, StoreJsonContext.Default.MarkerRecord, cancellationToken);
                }
                else
                {
                    await store.ReplaceAsync(Containers.UserData, accountId, id, marker, StoreJsonContext.Default.MarkerRecord, existing.ETag, cancellationToken);
                }

                return marker;
            }
            catch (DocumentStoreException ex) when (attempt < 2 && ex is DocumentConflictException or DocumentPreconditionFailedException)
            {
                // Another device saved at the same moment: read again and bump the version past it.
            }
        }
    }
}
