using Serverless.Core.Accounts;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Timelines;

/// <summary>A page request in Mastodon's terms: <c>max_id</c>, <c>since_id</c>, <c>min_id</c>, <c>limit</c>.</summary>
public sealed record PageRequest(string? MaxId, string? SinceId, string? MinId, int Limit);

/// <summary>A status ready to render: the status, its author, and the reblogged status with its author.</summary>
public sealed record StatusView(StatusRecord Status, AccountRecord Account, StatusView? Reblog);

/// <summary>
/// Reads materialised timelines: one ordered single-partition range read of entries, then one
/// batch point read of the statuses and one of their authors.
/// </summary>
public sealed class TimelineService(IDocumentStore store, StatusService statuses, AccountService accounts)
{
    public async Task<IReadOnlyList<StatusView>> ReadAsync(string timelineKey, PageRequest page, Func<StatusRecord, bool> visible, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(visible);

        // min_id pages upwards from the cursor (oldest first), then shows newest first like every page.
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(timelineKey)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };
        var entries = await store.QueryAsync(Containers.Timelines, query, StoreJsonContext.Default.TimelineEntry, cancellationToken);
        var ids = entries.Items.Select(e => e.Value.StatusId).ToList();
        var views = await RenderAsync(ids, visible, cancellationToken);
        return ascending ? views.Reverse().ToList() : views;
    }

    /// <summary>Loads statuses (and what they reblog) with their authors, keeping the order given.</summary>
    public async Task<IReadOnlyList<StatusView>> RenderAsync(IReadOnlyList<string> statusIds, Func<StatusRecord, bool> visible, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visible);
        var found = (await statuses.GetManyAsync(statusIds, cancellationToken)).Where(visible).ToList();
        var reblogIds = found.Where(s => s.ReblogOfId is not null).Select(s => s.ReblogOfId!).Distinct(StringComparer.Ordinal).ToList();
        var reblogs = (await statuses.GetManyAsync(reblogIds, cancellationToken)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var authors = (await accounts.GetManyAsync(found.Select(s => s.AccountId).Concat(reblogs.Values.Select(r => r.AccountId)), cancellationToken))
            .ToDictionary(a => a.Id, StringComparer.Ordinal);

        var views = new List<StatusView>(found.Count);
        foreach (var status in found)
        {
            if (!authors.TryGetValue(status.AccountId, out var author))
            {
                continue;
            }

            StatusView? reblog = null;
            if (status.ReblogOfId is not null)
            {
                if (!reblogs.TryGetValue(status.ReblogOfId, out var original) || !authors.TryGetValue(original.AccountId, out var originalAuthor))
                {
                    continue;
                }

                reblog = new StatusView(original, originalAuthor, null);
            }

            views.Add(new StatusView(status, author, reblog));
        }

        return views;
    }
}
