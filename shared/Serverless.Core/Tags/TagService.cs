using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Core.Errors;
using Serverless.Core.Filters;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Tags;

/// <summary>Followed hashtags (which feed home timelines through fan-out) and featured hashtags on profiles.</summary>
public sealed class TagService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>Featured tags per account, as Mastodon allows.</summary>
    public const int MaxFeaturedTags = 10;

    /// <summary>Tag followers handled per fan-out message.</summary>
    public const int FollowersPageSize = 500;

    /// <summary>How far back featuring a tag counts the account's earlier posts with it.</summary>
    private const int CountPages = 5;

    private readonly TagHistory _history = new(store, time);

    /// <summary>
    /// Mastodon's normalisation (NFKC, lower case, no leading #) and its rule for a name: word
    /// characters, middle dots and zero-width non-joiners, with at least one letter. Null when invalid.
    /// </summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var normalized = name.Trim().TrimStart('#').Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        if (normalized.Length is 0 or > 100)
        {
            return null;
        }

        var letter = false;
        foreach (var c in normalized)
        {
            if (char.IsLetter(c))
            {
                letter = true;
            }
            else if (!char.IsDigit(c) && c != '_' && c != '·' && c != '\u200c' && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
            {
                return null;
            }
        }

        return letter ? normalized : null;
    }

    public static string NormalizeOrNotFound(string? name) => Normalize(name) ?? throw new RecordNotFoundException();

    public async Task<TagFollowRecord> FollowAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        var tag = NormalizeOrNotFound(name);
        var existing = await store.ReadAsync(Containers.Follows, TagFollowRecord.LookupPartition(accountId), tag, FiltersStoreJsonContext.Default.TagFollowRecord, cancellationToken);
        if (existing is not null)
        {
            return existing.Value;
        }

        var follow = new TagFollowRecord(ids.NextString(), accountId, tag, time.GetUtcNow());
        // Fan-out reads the followers copy; write it first so a follow that is listed always feeds home.
        await store.UpsertAsync(Containers.Follows, TagFollowRecord.FollowersPartition(tag), accountId, follow, FiltersStoreJsonContext.Default.TagFollowRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, TagFollowRecord.ListPartition(accountId), SnowflakeIds.Sortable(follow.Id), follow, FiltersStoreJsonContext.Default.TagFollowRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, TagFollowRecord.LookupPartition(accountId), tag, follow, FiltersStoreJsonContext.Default.TagFollowRecord, ifMatch: null, cancellationToken);
        return follow;
    }

    public async Task UnfollowAsync(string accountId, string name, CancellationToken cancellationToken)
    {
        var tag = NormalizeOrNotFound(name);
        var existing = await store.ReadAsync(Containers.Follows, TagFollowRecord.LookupPartition(accountId), tag, FiltersStoreJsonContext.Default.TagFollowRecord, cancellationToken);
        if (existing is null)
        {
            return;
        }

        await store.DeleteAsync(Containers.Follows, TagFollowRecord.ListPartition(accountId), SnowflakeIds.Sortable(existing.Value.Id), ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, TagFollowRecord.FollowersPartition(tag), accountId, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, TagFollowRecord.LookupPartition(accountId), tag, ifMatch: null, cancellationToken);
    }

    /// <summary>Which of these (normalised) tag names the account follows: one batch of point reads.</summary>
    public async Task<IReadOnlySet<string>> FollowedAmongAsync(string accountId, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var keys = names.Distinct(StringComparer.Ordinal).Select(n => new DocumentKey(TagFollowRecord.LookupPartition(accountId), n)).ToList();
        if (keys.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var found = await store.ReadManyAsync(Containers.Follows, keys, FiltersStoreJsonContext.Default.TagFollowRecord, cancellationToken);
        return found.Select(d => d.Value.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A page of followed tags, newest follow first, by Mastodon's cursors over the follow ids.</summary>
    public async Task<IReadOnlyList<TagFollowRecord>> FollowedAsync(string accountId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var ascending = page.MinId is not null;
        var result = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(TagFollowRecord.ListPartition(accountId))
            {
                IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
                IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
                Descending = !ascending,
                Limit = page.Limit,
            },
            FiltersStoreJsonContext.Default.TagFollowRecord,
            cancellationToken);
        var items = result.Items.Select(i => i.Value).ToList();
        if (ascending)
        {
            items.Reverse();
        }

        return items;
    }

    /// <summary>The last week of use of each tag (normalised names), newest day first: one batch of point reads.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<TagHistoryDay>>> HistoryAsync(IEnumerable<string> names, CancellationToken cancellationToken) =>
        _history.ReadAsync(names, cancellationToken);

    /// <summary>One page of the local accounts following a tag, for fan-out.</summary>
    public Task<DocumentPage<TagFollowRecord>> FollowersPageAsync(string name, string? continuation, CancellationToken cancellationToken) =>
        store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(TagFollowRecord.FollowersPartition(name)) { Limit = FollowersPageSize, Descending = false, Continuation = continuation },
            FiltersStoreJsonContext.Default.TagFollowRecord,
            cancellationToken);

    public async Task<IReadOnlyList<FeaturedTagRecord>> FeaturedAsync(string accountId, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.UserData, new DocumentQuery(FeaturedTagRecord.Partition(accountId)) { Limit = MaxFeaturedTags * 2, Descending = false }, FiltersStoreJsonContext.Default.FeaturedTagRecord, cancellationToken);
        return page.Items.Select(i => i.Value).ToList();
    }

    /// <summary>Features a tag, counting the account's public posts with it (as far back as a few pages of its tag timeline).</summary>
    public async Task<FeaturedTagRecord> FeatureAsync(string accountId, string? name, CancellationToken cancellationToken)
    {
        var tag = Normalize(name) ?? throw ValidationFailedException.ForField("name", "ERR_INVALID", "is invalid");
        var existing = await FeaturedAsync(accountId, cancellationToken);
        if (existing.FirstOrDefault(f => f.Name == tag) is { } already)
        {
            throw ValidationFailedException.ForField("tag_id", "ERR_TAKEN", "has already been taken");
        }

        if (existing.Count >= MaxFeaturedTags)
        {
            throw new ValidationFailedException($"Validation failed: You cannot feature more than {MaxFeaturedTags} hashtags");
        }

        long count = 0;
        DateTimeOffset? last = null;
        string? continuation = null;
        for (var i = 0; i < CountPages; i++)
        {
            var page = await store.QueryAsync(
                Containers.Timelines,
                new DocumentQuery(TimelineKeys.LocalTag(tag)) { Limit = 1000, Continuation = continuation, Filters = [new FieldFilter("accountId", JsonValue.Create(accountId))] },
                StoreJsonContext.Default.TimelineEntry,
                cancellationToken);
            foreach (var entry in page.Items)
            {
                count++;
                if (last is null && long.TryParse(entry.Value.StatusId, NumberStyles.None, CultureInfo.InvariantCulture, out var statusId))
                {
                    last = SnowflakeIds.TimestampOf(statusId);
                }
            }

            continuation = page.Continuation;
            if (continuation is null)
            {
                break;
            }
        }

        var featured = new FeaturedTagRecord
        {
            Id = ids.NextString(),
            AccountId = accountId,
            Name = tag,
            StatusesCount = count,
            LastStatusAt = last,
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateAsync(Containers.UserData, FeaturedTagRecord.Partition(accountId), SnowflakeIds.Sortable(featured.Id), featured, FiltersStoreJsonContext.Default.FeaturedTagRecord, cancellationToken);
        return featured;
    }

    public async Task UnfeatureAsync(string accountId, string featuredTagId, CancellationToken cancellationToken)
    {
        var deleted = SnowflakeIds.TryParse(featuredTagId, out _)
            && await store.DeleteAsync(Containers.UserData, FeaturedTagRecord.Partition(accountId), SnowflakeIds.Sortable(featuredTagId), ifMatch: null, cancellationToken);
        if (!deleted)
        {
            throw new RecordNotFoundException();
        }
    }

    /// <summary>The hashtags of the account's recent posts that it does not feature yet, most used first.</summary>
    public async Task<IReadOnlyList<string>> SuggestionsAsync(string accountId, CancellationToken cancellationToken)
    {
        var recent = await store.QueryAsync(Containers.Timelines, new DocumentQuery(TimelineKeys.Account(accountId)) { Limit = 40 }, StoreJsonContext.Default.TimelineEntry, cancellationToken);
        var keys = recent.Items.Where(e => e.Value.ReblogOfId is null).Select(e => new DocumentKey(e.Value.StatusId, e.Value.StatusId)).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var statuses = await store.ReadManyAsync(Containers.Statuses, keys, StoreJsonContext.Default.StatusRecord, cancellationToken);
        var featured = (await FeaturedAsync(accountId, cancellationToken)).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        return statuses
            .Where(s => s.Value.DeletedAt is null)
            .SelectMany(s => s.Value.Tags.Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
            .Where(t => !featured.Contains(t))
            .GroupBy(t => t, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(10)
            .Select(g => g.Key)
            .ToList();
    }
}
