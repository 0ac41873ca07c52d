using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Notifications;

/// <summary>Raises notifications for local accounts. Everything that notifies goes through <see cref="NotifyAsync"/>.</summary>
public sealed class NotificationService(IDocumentStore store, SnowflakeIds ids, TimeProvider time, Streaming.IStreamingEvents? streaming = null, Safety.StatusFilter? safetyFilter = null)
{
    /// <summary>How many store pages a filtered listing may read to fill one page (bounds the work of sparse filters).</summary>
    private const int MaxScanPages = 5;

    /// <summary>
    /// Notifies <paramref name="recipientId"/> that <paramref name="fromAccountId"/> did something.
    /// Nobody is notified of their own actions. Returns the notification, or null when none was made.
    /// </summary>
    public async Task<NotificationRecord?> NotifyAsync(string recipientId, string type, string fromAccountId, string? statusId, CancellationToken cancellationToken)
    {
        // A poll's end is the one thing Mastodon tells its own author.
        if (recipientId == fromAccountId && type != NotificationTypes.Poll)
        {
            return null;
        }

        if (await HiddenAsync(recipientId, type, fromAccountId, cancellationToken))
        {
            return null;
        }

        var id = ids.Next();
        var notification = new NotificationRecord
        {
            Id = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AccountId = recipientId,
            Type = type,
            FromAccountId = fromAccountId,
            StatusId = statusId,
            CreatedAt = time.GetUtcNow(),
            GroupKey = type is NotificationTypes.Favourite or NotificationTypes.Reblog && statusId is not null
                ? $"{type}-{statusId}"
                : $"ungrouped-{id}",
        };
        await store.CreateAsync(Containers.Notifications, recipientId, SnowflakeIds.Sortable(id), notification, StoreJsonContext.Default.NotificationRecord, cancellationToken);
        if (streaming is not null)
        {
            await streaming.NotificationAsync(notification, cancellationToken);
        }

        return notification;
    }

    /// <summary>
    /// Whether the recipient hides notifications from that account (blocked either way, muted with
    /// notifications, on a blocked domain, suspended), as Mastodon's NotifyService drops them.
    /// Moderation notifications always go through. Costs nothing more when the recipient has no such sets.
    /// </summary>
    private async Task<bool> HiddenAsync(string recipientId, string type, string fromAccountId, CancellationToken cancellationToken)
    {
        if (safetyFilter is null || type.StartsWith("admin.", StringComparison.Ordinal) || recipientId == fromAccountId)
        {
            return false;
        }

        var safety = await safetyFilter.ForViewerIdAsync(recipientId, cancellationToken);
        var from = (await store.ReadAsync(Containers.Accounts, fromAccountId, fromAccountId, StoreJsonContext.Default.AccountRecord, cancellationToken))?.Value;
        return from is not null && safety.HidesNotificationFrom(from);
    }

    /// <summary>
    /// A page of notifications, newest first (or oldest first from <c>min_id</c>, returned newest
    /// first), keeping only those <paramref name="include"/> accepts.
    /// </summary>
    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(string accountId, Timelines.PageRequest page, Func<NotificationRecord, bool> include, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(include);
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(accountId)
        {
            IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
            IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
            Descending = !ascending,
            Limit = page.Limit,
        };

        var found = new List<NotificationRecord>(page.Limit);
        for (var scanned = 0; scanned < MaxScanPages && found.Count < page.Limit; scanned++)
        {
            var result = await store.QueryAsync(Containers.Notifications, query, StoreJsonContext.Default.NotificationRecord, cancellationToken);
            found.AddRange(result.Items.Select(i => i.Value).Where(include).Take(page.Limit - found.Count));
            if (result.Continuation is null)
            {
                break;
            }

            query = query with { Continuation = result.Continuation };
        }

        if (ascending)
        {
            found.Reverse();
        }

        return found;
    }

    public async Task<NotificationRecord?> GetAsync(string accountId, string notificationId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(notificationId, out var id))
        {
            return null;
        }

        var doc = await store.ReadAsync(Containers.Notifications, accountId, SnowflakeIds.Sortable(id), StoreJsonContext.Default.NotificationRecord, cancellationToken);
        return doc?.Value;
    }

    public async Task<bool> DismissAsync(string accountId, string notificationId, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(notificationId, out var id) &&
        await store.DeleteAsync(Containers.Notifications, accountId, SnowflakeIds.Sortable(id), ifMatch: null, cancellationToken);

    /// <summary>Deletes every notification of the account, a page at a time.</summary>
    public async Task ClearAsync(string accountId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await store.QueryAsync(Containers.Notifications, new DocumentQuery(accountId) { Limit = 200 }, StoreJsonContext.Default.NotificationRecord, cancellationToken);
            foreach (var item in page.Items)
            {
                await store.DeleteAsync(Containers.Notifications, accountId, item.Id, ifMatch: null, cancellationToken);
            }

            if (page.Items.Count == 0 || page.Continuation is null)
            {
                return;
            }
        }
    }
}
