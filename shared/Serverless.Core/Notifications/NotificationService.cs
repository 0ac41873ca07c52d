using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Notifications;

/// <summary>Raises notifications for local accounts. Everything that notifies goes through <see cref="NotifyAsync"/>.</summary>
public sealed class NotificationService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>
    /// Notifies <paramref name="recipientId"/> that <paramref name="fromAccountId"/> did something.
    /// Nobody is notified of their own actions. Returns the notification, or null when none was made.
    /// </summary>
    public async Task<NotificationRecord?> NotifyAsync(string recipientId, string type, string fromAccountId, string? statusId, CancellationToken cancellationToken)
    {
        if (recipientId == fromAccountId)
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
        return notification;
    }
}
