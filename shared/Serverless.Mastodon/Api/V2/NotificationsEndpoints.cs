using Serverless.Core.Notifications;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using V1 = Serverless.Mastodon.Api.V1;

namespace Serverless.Mastodon.Api.V2;

/// <summary>
/// <c>/api/v2/notifications</c>: grouped notifications. Favourites and reblogs of one status fold
/// into one group within a page (grouped_types), everything else stays one group per notification.
/// </summary>
public static class NotificationsEndpoints
{
    private static readonly string[] DefaultGroupedTypes = [NotificationTypes.Favourite, NotificationTypes.Reblog];

    public static async Task Index(ApiRequest request)
    {
        var service = request.Service<NotificationService>();
        var records = await service.ListAsync(request.CurrentAccount.Id, request.Page(defaultLimit: 40, maxLimit: 80), V1.NotificationsEndpoints.Filter(request), request.Aborted);
        var groupedTypes = request.Params.GetStrings("grouped_types") is { Count: > 0 } asked ? asked.ToHashSet(StringComparer.Ordinal) : DefaultGroupedTypes.ToHashSet(StringComparer.Ordinal);
        var expandAccounts = request.Params.GetString("expand_accounts") ?? "full";

        var rendered = await V1.NotificationsEndpoints.RenderAsync(request, records);
        var groups = new List<NotificationGroup>();
        var byKey = new Dictionary<string, (NotificationGroup Group, List<string> Accounts)>(StringComparer.Ordinal);
        foreach (var notification in rendered)
        {
            var key = groupedTypes.Contains(notification.Type) ? notification.GroupKey : $"ungrouped-{notification.Id}";
            if (byKey.TryGetValue(key, out var existing))
            {
                if (!existing.Accounts.Contains(notification.Account.Id) && existing.Accounts.Count < 8)
                {
                    existing.Accounts.Add(notification.Account.Id);
                }

                var updated = existing.Group with { NotificationsCount = existing.Group.NotificationsCount + 1, PageMinId = notification.Id };
                groups[groups.IndexOf(existing.Group)] = updated;
                byKey[key] = (updated, existing.Accounts);
                continue;
            }

            var accounts = new List<string> { notification.Account.Id };
            var group = new NotificationGroup
            {
                GroupKey = key,
                NotificationsCount = 1,
                Type = notification.Type,
                MostRecentNotificationId = notification.Id,
                PageMaxId = notification.Id,
                PageMinId = notification.Id,
                LatestPageNotificationAt = notification.CreatedAt,
                SampleAccountIds = accounts,
                StatusId = notification.Status?.Id,
            };
            groups.Add(group);
            byKey[key] = (group, accounts);
        }

        if (records.Count > 0)
        {
            request.LinkHeader(records[0].Id, records[^1].Id);
        }

        var body = new GroupedNotificationsResults
        {
            Accounts = expandAccounts == "partial_avatars" ? [] : rendered.Select(n => n.Account).DistinctBy(a => a.Id).ToList(),
            Statuses = rendered.Where(n => n.Status is not null).Select(n => n.Status!).DistinctBy(s => s.Id).ToList(),
            NotificationGroups = groups,
        };
        await request.Json(body, FeedsJsonContext.Default.GroupedNotificationsResults);
    }

    public static async Task UnreadCount(ApiRequest request)
    {
        var count = await V1.NotificationCounts.UnreadAsync(request, V1.NotificationsEndpoints.Filter(request));
        await request.Json(new UnreadCount(count), FeedsJsonContext.Default.UnreadCount);
    }

    /// <summary><c>POST /api/v2/notifications/:group_key/dismiss</c>: an ungrouped key names one notification.</summary>
    public static async Task Dismiss(ApiRequest request)
    {
        var key = request.Route("group_key");
        var service = request.Service<NotificationService>();
        if (key.StartsWith("ungrouped-", StringComparison.Ordinal))
        {
            await service.DismissAsync(request.CurrentAccount.Id, key["ungrouped-".Length..], request.Aborted);
        }
        else
        {
            var page = new Core.Timelines.PageRequest(null, null, null, 80);
            foreach (var n in await service.ListAsync(request.CurrentAccount.Id, page, n => n.GroupKey == key, request.Aborted))
            {
                await service.DismissAsync(request.CurrentAccount.Id, n.Id, request.Aborted);
            }
        }

        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }
}
