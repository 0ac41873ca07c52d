using System.Globalization;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Scheduling;

/// <summary>
/// Something that falls due at a time: a scheduled status to publish, a poll whose end to announce.
/// Stored in the <c>scheduled</c> container's <see cref="DueIndex.Partition"/> partition with an id
/// that sorts by due time, so the timer's "what is due now" is one ordered single-partition read.
/// </summary>
public sealed record DueEntry(string Kind, string TargetId, string AccountId, DateTimeOffset DueAt);

public static class DueKinds
{
    /// <summary>Target: a scheduled status id (in the account's partition of <c>scheduled</c>).</summary>
    public const string ScheduledStatus = "status";

    /// <summary>Target: a poll id.</summary>
    public const string PollEnd = "poll";
}

/// <summary>The due index. Entries are only hints: whoever handles one re-reads its target and checks it is still due.</summary>
public sealed class DueIndex(IDocumentStore store)
{
    /// <summary>The one partition of due entries (small: entries leave it as they are handled).</summary>
    public const string Partition = "due";

    /// <summary><c>{due time in ms, zero-padded}-{kind}-{target}</c>: sorts by time, unique per target and time.</summary>
    public static string EntryId(DateTimeOffset dueAt, string kind, string targetId) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, dueAt.ToUnixTimeMilliseconds()):D15}-{kind}-{targetId}");

    public Task AddAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.UpsertAsync(Containers.Scheduled, Partition, EntryId(entry.DueAt, entry.Kind, entry.TargetId), entry, StoreJsonContext.Default.DueEntry, ifMatch: null, cancellationToken);
    }

    public Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.DeleteAsync(Containers.Scheduled, Partition, EntryId(entry.DueAt, entry.Kind, entry.TargetId), ifMatch: null, cancellationToken);
    }

    /// <summary>Entries due at or before <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<DueEntry>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        // Every id of a time up to now sorts before the first id of the next millisecond.
        var boundary = string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeMilliseconds() + 1:D15}");
        var page = await store.QueryAsync(
            Containers.Scheduled,
            new DocumentQuery(Partition) { IdBefore = boundary, Descending = false, Limit = limit },
            StoreJsonContext.Default.DueEntry,
            cancellationToken);
        return page.Items.Select(i => i.Value).ToList();
    }
}
