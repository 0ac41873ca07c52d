using System.Globalization;
using System.Text.Json.Serialization;
using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Tags;

/// <summary>
/// A hashtag's use on one UTC day: partition <c>tag-history:{name}</c> of <c>instance</c>, id = the
/// day (<c>yyyy-MM-dd</c>). <see cref="Uses"/> counts statuses, <see cref="Accounts"/> distinct authors.
/// </summary>
public sealed record TagDayRecord
{
    public long Uses { get; init; }

    public long Accounts { get; init; }

    public static string Partition(string name) => "tag-history:" + name;

    public static string Id(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Marks that an account used the tag that day, so it is counted once (id <c>{day}:a:{accountId}</c>).</summary>
    public static string AccountMarkerId(DateOnly day, string accountId) => Id(day) + ":a:" + accountId;

    /// <summary>Marks that a status was counted, so a redelivered fan-out message does not count it again (id <c>{day}:s:{statusId}</c>).</summary>
    public static string StatusMarkerId(DateOnly day, string statusId) => Id(day) + ":s:" + statusId;
}

/// <summary>A marker document beside the day counters; only its existence matters.</summary>
public sealed record TagUseMarker(DateTimeOffset CreatedAt);

/// <summary>One day of a tag's history as Mastodon's Tag entity shows it.</summary>
public sealed record TagHistoryDay(DateOnly Day, long Uses, long Accounts)
{
    /// <summary>The UTC midnight starting the day, in Unix seconds.</summary>
    public long DayUnixSeconds => new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
}

/// <summary>
/// Hashtag usage per UTC day, as Mastodon's <c>Trends::History</c>: each public, original status of
/// an author who is not silenced counts once for each of its tags on the day it was written, and
/// its author once per tag and day. One small counter document per (tag, day), with create-once
/// markers for the distinct authors and the statuses already counted; reading a tag's last
/// <see cref="Days"/> days is a batch of point reads (the ids follow from the names and dates).
/// </summary>
public sealed class TagHistory(IDocumentStore store, TimeProvider time)
{
    /// <summary>Days shown, newest first, as Mastodon.</summary>
    public const int Days = 7;

    /// <summary>Counts a newly stored status's hashtags (called once per status, from its first fan-out message).</summary>
    public async Task RecordAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Visibility != Visibility.Public || status.ReblogOfId is not null || status.DeletedAt is not null || status.Tags.Count == 0)
        {
            return;
        }

        // Counted on the day it was written (a remote clock ahead of ours counts today); statuses
        // older than the days shown, such as backfilled ones, would never be seen.
        var today = Today();
        var written = status.CreatedAt > time.GetUtcNow() ? today : DateOnly.FromDateTime(status.CreatedAt.UtcDateTime);
        if (written <= today.AddDays(-Days))
        {
            return;
        }

        var names = status.Tags.Select(TagService.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).Take(TagFanout.MaxTags).ToList();
        if (names.Count == 0)
        {
            return;
        }

        var author = await store.ReadAsync(Containers.Accounts, status.AccountId, status.AccountId, StoreJsonContext.Default.AccountRecord, cancellationToken);
        if (author?.Value is not AccountRecord { SilencedAt: null, SuspendedAt: null })
        {
            return;
        }

        var marker = new TagUseMarker(time.GetUtcNow());
        foreach (var name in names)
        {
            await RecordUseAsync(name, written, status, marker, cancellationToken);
        }
    }

    /// <summary>The last <see cref="Days"/> days of each tag (normalised names), newest first; days without use are zeros.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<TagHistoryDay>>> ReadAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var distinct = names.Distinct(StringComparer.Ordinal).ToList();
        var today = Today();
        var days = Enumerable.Range(0, Days).Select(i => today.AddDays(-i)).ToList();
        var found = new Dictionary<DocumentKey, TagDayRecord>();
        if (distinct.Count > 0)
        {
            var keys = distinct.SelectMany(n => days.Select(d => new DocumentKey(TagDayRecord.Partition(n), TagDayRecord.Id(d)))).ToList();
            foreach (var doc in await store.ReadManyAsync(Containers.Instance, keys, TagsStoreJsonContext.Default.TagDayRecord, cancellationToken))
            {
                found[new DocumentKey(doc.PartitionKey, doc.Id)] = doc.Value;
            }
        }

        return distinct.ToDictionary(
            n => n,
            n => (IReadOnlyList<TagHistoryDay>)days.Select(d => found.TryGetValue(new DocumentKey(TagDayRecord.Partition(n), TagDayRecord.Id(d)), out var record)
                ? new TagHistoryDay(d, Math.Max(0, record.Uses), Math.Max(0, record.Accounts))
                : new TagHistoryDay(d, 0, 0)).ToList(),
            StringComparer.Ordinal);
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private async Task RecordUseAsync(string name, DateOnly day, StatusRecord status, TagUseMarker marker, CancellationToken cancellationToken)
    {
        var partition = TagDayRecord.Partition(name);
        // Marker first: a crash between it and the counter loses one use rather than counting a status twice.
        if (!await CreateOnceAsync(partition, TagDayRecord.StatusMarkerId(day, status.Id), marker, cancellationToken))
        {
            return;
        }

        var newAccount = await CreateOnceAsync(partition, TagDayRecord.AccountMarkerId(day, status.AccountId), marker, cancellationToken);
        List<PatchOperation> operations = [PatchOperation.Increment("/uses", 1)];
        if (newAccount)
        {
            operations.Add(PatchOperation.Increment("/accounts", 1));
        }

        var id = TagDayRecord.Id(day);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.PatchAsync(Containers.Instance, partition, id, operations, ifMatch: null, cancellationToken);
                return;
            }
            catch (DocumentNotFoundException) when (attempt == 0)
            {
                // The day's first use: create its counter, unless another status did meanwhile (then patch it).
                var first = new TagDayRecord { Uses = 1, Accounts = newAccount ? 1 : 0 };
                try
                {
                    await store.CreateAsync(Containers.Instance, partition, id, first, TagsStoreJsonContext.Default.TagDayRecord, cancellationToken);
                    return;
                }
                catch (DocumentConflictException)
                {
                }
            }
        }
    }

    private async Task<bool> CreateOnceAsync(string partition, string id, TagUseMarker marker, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(Containers.Instance, partition, id, marker, TagsStoreJsonContext.Default.TagUseMarker, cancellationToken);
            return true;
        }
        catch (DocumentConflictException)
        {
            return false;
        }
    }
}

/// <summary>Source-generated serialisation of the tag history records, with the options of <see cref="StoreJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(TagDayRecord))]
[JsonSerializable(typeof(TagUseMarker))]
public sealed partial class TagsStoreJsonContext : JsonSerializerContext;
