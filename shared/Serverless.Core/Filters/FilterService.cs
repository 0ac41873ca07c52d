using System.Runtime.CompilerServices;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;

namespace Serverless.Core.Filters;

/// <summary>What a client asks a filter to become; null fields stay as they are.</summary>
public sealed record FilterInput
{
    public string? Title { get; init; }

    public IReadOnlyList<string>? Context { get; init; }

    public string? Action { get; init; }

    /// <summary>Whether <see cref="ExpiresIn"/> was given at all (an empty value removes the expiry).</summary>
    public bool SetsExpiry { get; init; }

    public int? ExpiresIn { get; init; }

    public IReadOnlyList<KeywordInput> Keywords { get; init; } = [];
}

/// <summary>One of <c>keywords_attributes[]</c>: a new keyword (no id), a change, or a removal (<c>_destroy</c>).</summary>
public sealed record KeywordInput(string? Id, string? Keyword, bool? WholeWord, bool Destroy);

/// <summary>
/// Filters (Mastodon's CustomFilter with keywords and statuses). Every filter of an account lives
/// in one partition, so <see cref="ForViewerAsync"/> is one first-page query, which the caching
/// store keeps until the partition is written; keyword and status ids are found inside it.
/// Changes publish <c>filters_changed</c> on the owner's user stream, as Mastodon does.
/// </summary>
public sealed class FilterService(IDocumentStore store, SnowflakeIds ids, TimeProvider time, IStreamPublisher? publisher = null)
{
    /// <summary>Filters an account can have: all of them are read on every signed-in timeline page.</summary>
    public const int MaxFilters = 100;

    public const int MaxKeywords = 100;

    public const int MaxStatuses = 500;

    private readonly ConditionalWeakTable<IReadOnlyList<StoredDocument<FilterRecord>>, ViewerFilters> _compiled = new();

    /// <summary>The viewer's filters, compiled once per stored version of the set.</summary>
    public async Task<ViewerFilters> ForViewerAsync(string accountId, CancellationToken cancellationToken)
    {
        var page = await ReadSetAsync(accountId, cancellationToken);
        if (page.Items.Count == 0)
        {
            return ViewerFilters.None;
        }

        return _compiled.GetValue(page.Items, items => new ViewerFilters(items.Select(i => i.Value).ToList()));
    }

    public async Task<IReadOnlyList<FilterRecord>> ListAsync(string accountId, CancellationToken cancellationToken) =>
        (await ReadSetAsync(accountId, cancellationToken)).Items.Select(i => i.Value).ToList();

    public async Task<FilterRecord> GetAsync(string accountId, string filterId, CancellationToken cancellationToken) =>
        (await ReadAsync(accountId, filterId, cancellationToken)).Value;

    public async Task<FilterRecord> CreateAsync(string accountId, FilterInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((await ReadSetAsync(accountId, cancellationToken)).Items.Count >= MaxFilters)
        {
            throw new ValidationFailedException($"Validation failed: You cannot have more than {MaxFilters} filters");
        }

        var now = time.GetUtcNow();
        var filter = new FilterRecord
        {
            Id = ids.NextString(),
            AccountId = accountId,
            Title = ValidTitle(input.Title),
            Context = ValidContext(input.Context),
            Action = ValidAction(input.Action ?? FilterActions.Warn),
            ExpiresAt = input.ExpiresIn is { } seconds ? ValidExpiry(seconds, now) : null,
            CreatedAt = now,
        };
        filter = ApplyKeywords(filter, input.Keywords);
        await store.CreateAsync(Containers.UserData, FilterRecord.Partition(accountId), SnowflakeIds.Sortable(filter.Id), filter, FiltersStoreJsonContext.Default.FilterRecord, cancellationToken);
        await PublishChangedAsync(accountId, cancellationToken);
        return filter;
    }

    public Task<FilterRecord> UpdateAsync(string accountId, string filterId, FilterInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        return ChangeAsync(accountId, filterId, filter => ApplyKeywords(
            filter with
            {
                Title = input.Title is null ? filter.Title : ValidTitle(input.Title),
                Context = input.Context is null ? filter.Context : ValidContext(input.Context),
                Action = input.Action is null ? filter.Action : ValidAction(input.Action),
                ExpiresAt = !input.SetsExpiry ? filter.ExpiresAt : input.ExpiresIn is { } seconds ? ValidExpiry(seconds, now) : null,
            },
            input.Keywords), cancellationToken);
    }

    public async Task DeleteAsync(string accountId, string filterId, CancellationToken cancellationToken)
    {
        await ReadAsync(accountId, filterId, cancellationToken);
        await store.DeleteAsync(Containers.UserData, FilterRecord.Partition(accountId), SnowflakeIds.Sortable(filterId), ifMatch: null, cancellationToken);
        await PublishChangedAsync(accountId, cancellationToken);
    }

    public async Task<FilterKeywordRecord> AddKeywordAsync(string accountId, string filterId, string? keyword, bool? wholeWord, CancellationToken cancellationToken)
    {
        var id = ids.NextString();
        var text = ValidKeyword(keyword);
        var changed = await ChangeAsync(accountId, filterId, f => ApplyKeywords(f, [new KeywordInput(null, text, wholeWord, false)], id), cancellationToken);
        return changed.Keywords.First(k => k.Id == id);
    }

    /// <summary>A keyword by its own id, with its filter.</summary>
    public async Task<(FilterRecord Filter, FilterKeywordRecord Keyword)> GetKeywordAsync(string accountId, string keywordId, CancellationToken cancellationToken)
    {
        foreach (var filter in await ListAsync(accountId, cancellationToken))
        {
            if (filter.Keywords.FirstOrDefault(k => k.Id == keywordId) is { } keyword)
            {
                return (filter, keyword);
            }
        }

        throw new RecordNotFoundException();
    }

    public async Task<FilterKeywordRecord> UpdateKeywordAsync(string accountId, string keywordId, string? keyword, bool? wholeWord, CancellationToken cancellationToken)
    {
        var (filter, _) = await GetKeywordAsync(accountId, keywordId, cancellationToken);
        var changed = await ChangeAsync(accountId, filter.Id, f => ApplyKeywords(f, [new KeywordInput(keywordId, keyword, wholeWord, false)]), cancellationToken);
        return changed.Keywords.First(k => k.Id == keywordId);
    }

    public async Task DeleteKeywordAsync(string accountId, string keywordId, CancellationToken cancellationToken)
    {
        var (filter, _) = await GetKeywordAsync(accountId, keywordId, cancellationToken);
        await ChangeAsync(accountId, filter.Id, f => f with { Keywords = f.Keywords.Where(k => k.Id != keywordId).ToList() }, cancellationToken);
    }

    public async Task<FilterStatusRecord> AddStatusAsync(string accountId, string filterId, string? statusId, CancellationToken cancellationToken)
    {
        var exists = SnowflakeIds.TryParse(statusId, out _)
            && await store.ReadAsync(Containers.Statuses, statusId!, statusId!, StoreJsonContext.Default.StatusRecord, cancellationToken) is { Value.DeletedAt: null };
        if (!exists)
        {
            throw ValidationFailedException.ForField("status", "ERR_BLANK", "must exist");
        }

        var id = ids.NextString();
        var changed = await ChangeAsync(
            accountId,
            filterId,
            f =>
            {
                if (f.Statuses.Any(s => s.StatusId == statusId))
                {
                    throw ValidationFailedException.ForField("status", "ERR_TAKEN", "has already been taken");
                }

                if (f.Statuses.Count >= MaxStatuses)
                {
                    throw new ValidationFailedException($"Validation failed: A filter can have at most {MaxStatuses} statuses");
                }

                return f with { Statuses = [.. f.Statuses, new FilterStatusRecord(id, statusId!)] };
            },
            cancellationToken);
        return changed.Statuses.First(s => s.Id == id);
    }

    /// <summary>A status filter by its own id, with its filter.</summary>
    public async Task<(FilterRecord Filter, FilterStatusRecord Status)> GetStatusAsync(string accountId, string filterStatusId, CancellationToken cancellationToken)
    {
        foreach (var filter in await ListAsync(accountId, cancellationToken))
        {
            if (filter.Statuses.FirstOrDefault(s => s.Id == filterStatusId) is { } status)
            {
                return (filter, status);
            }
        }

        throw new RecordNotFoundException();
    }

    public async Task DeleteStatusAsync(string accountId, string filterStatusId, CancellationToken cancellationToken)
    {
        var (filter, _) = await GetStatusAsync(accountId, filterStatusId, cancellationToken);
        await ChangeAsync(accountId, filter.Id, f => f with { Statuses = f.Statuses.Where(s => s.Id != filterStatusId).ToList() }, cancellationToken);
    }

    private Task<DocumentPage<FilterRecord>> ReadSetAsync(string accountId, CancellationToken cancellationToken) =>
        store.QueryAsync(Containers.UserData, new DocumentQuery(FilterRecord.Partition(accountId)) { Limit = MaxFilters, Descending = false }, FiltersStoreJsonContext.Default.FilterRecord, cancellationToken);

    private async Task<StoredDocument<FilterRecord>> ReadAsync(string accountId, string filterId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(filterId, out _))
        {
            throw new RecordNotFoundException();
        }

        return await store.ReadAsync(Containers.UserData, FilterRecord.Partition(accountId), SnowflakeIds.Sortable(filterId), FiltersStoreJsonContext.Default.FilterRecord, cancellationToken)
            ?? throw new RecordNotFoundException();
    }

    /// <summary>Read, change, write back if nobody wrote in between (else again), then tell the owner's streams.</summary>
    private async Task<FilterRecord> ChangeAsync(string accountId, string filterId, Func<FilterRecord, FilterRecord> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await ReadAsync(accountId, filterId, cancellationToken);
            var updated = change(current.Value);
            try
            {
                await store.ReplaceAsync(Containers.UserData, FilterRecord.Partition(accountId), current.Id, updated, FiltersStoreJsonContext.Default.FilterRecord, current.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 3)
            {
                continue;
            }

            await PublishChangedAsync(accountId, cancellationToken);
            return updated;
        }
    }

    private FilterRecord ApplyKeywords(FilterRecord filter, IReadOnlyList<KeywordInput> inputs, string? newId = null)
    {
        if (inputs.Count == 0)
        {
            return filter;
        }

        var keywords = filter.Keywords.ToList();
        foreach (var input in inputs)
        {
            if (input.Id is { Length: > 0 } id)
            {
                var index = keywords.FindIndex(k => k.Id == id);
                if (index < 0)
                {
                    throw new RecordNotFoundException();
                }

                if (input.Destroy)
                {
                    keywords.RemoveAt(index);
                }
                else
                {
                    var existing = keywords[index];
                    keywords[index] = existing with
                    {
                        Keyword = input.Keyword is null ? existing.Keyword : ValidKeyword(input.Keyword),
                        WholeWord = input.WholeWord ?? existing.WholeWord,
                    };
                }
            }
            else if (!input.Destroy)
            {
                keywords.Add(new FilterKeywordRecord(newId ?? ids.NextString(), ValidKeyword(input.Keyword), input.WholeWord ?? true));
            }
        }

        if (keywords.Count > MaxKeywords)
        {
            throw new ValidationFailedException($"Validation failed: A filter can have at most {MaxKeywords} keywords");
        }

        return filter with { Keywords = keywords };
    }

    private async Task PublishChangedAsync(string accountId, CancellationToken cancellationToken)
    {
        await IndexHolderAsync(accountId, cancellationToken);
        if (publisher is null)
        {
            return;
        }

        // Mastodon's filters_changed frame has no payload; clients refetch their filters.
        await publisher.PublishAsync(new StreamEvent("user:" + accountId, ["user"], "filters_changed", ""), cancellationToken);
    }

    /// <summary>Keeps <see cref="FilterHolderRecord"/> in step with the account's filters after a change.</summary>
    private async Task IndexHolderAsync(string accountId, CancellationToken cancellationToken)
    {
        var filters = await ListAsync(accountId, cancellationToken);
        foreach (var context in FilterHolderRecord.Contexts)
        {
            if (filters.Any(f => (f.Keywords.Count > 0 || f.Statuses.Count > 0) && f.Context.Contains(context, StringComparer.Ordinal)))
            {
                await store.UpsertAsync(Containers.UserData, FilterHolderRecord.Partition(context), accountId, new FilterHolderRecord { AccountId = accountId }, FiltersStoreJsonContext.Default.FilterHolderRecord, ifMatch: null, cancellationToken);
            }
            else
            {
                await store.DeleteAsync(Containers.UserData, FilterHolderRecord.Partition(context), accountId, ifMatch: null, cancellationToken);
            }
        }
    }

    private static string ValidTitle(string? title) =>
        string.IsNullOrWhiteSpace(title) ? throw ValidationFailedException.ForField("title", "ERR_BLANK", "can't be blank")
        : title.Length > 256 ? throw ValidationFailedException.ForField("title", "ERR_TOO_LONG", "is too long (maximum is 256 characters)")
        : title.Trim();

    private static string ValidKeyword(string? keyword) =>
        string.IsNullOrWhiteSpace(keyword) ? throw ValidationFailedException.ForField("keyword", "ERR_BLANK", "can't be blank")
        : keyword.Length > 512 ? throw ValidationFailedException.ForField("keyword", "ERR_TOO_LONG", "is too long (maximum is 512 characters)")
        : keyword.Trim();

    private static List<string> ValidContext(IReadOnlyList<string>? context)
    {
        var cleaned = (context ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return cleaned.Count == 0 || cleaned.Any(c => !FilterContexts.All.Contains(c))
            ? throw ValidationFailedException.ForField("context", "ERR_INVALID", "None or invalid context supplied")
            : cleaned;
    }

    private static string ValidAction(string action) =>
        FilterActions.All.Contains(action) ? action : throw ValidationFailedException.ForField("filter_action", "ERR_INCLUSION", "is not included in the list");

    private static DateTimeOffset ValidExpiry(int seconds, DateTimeOffset now) =>
        seconds <= 0 ? throw ValidationFailedException.ForField("expires_in", "ERR_INVALID", "must be greater than 0") : now.AddSeconds(seconds);
}
