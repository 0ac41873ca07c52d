using Serverless.Core.Accounts;
using Serverless.Core.Notifications;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/notifications</c>.</summary>
public static class NotificationsEndpoints
{
    /// <summary><c>GET /api/v1/notifications</c>: <c>types[]</c>, <c>exclude_types[]</c>, <c>account_id</c>, paged.</summary>
    public static async Task Index(ApiRequest request)
    {
        var records = await request.Service<NotificationService>().ListAsync(request.CurrentAccount.Id, request.Page(defaultLimit: 40, maxLimit: 80), Filter(request), request.Aborted);
        var rendered = await RenderAsync(request, records);
        if (records.Count > 0)
        {
            request.LinkHeader(records[0].Id, records[^1].Id);
        }

        await request.Json(rendered, FeedsJsonContext.Default.ListNotification);
    }

    public static async Task Show(ApiRequest request)
    {
        var record = await request.Service<NotificationService>().GetAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        var rendered = await RenderAsync(request, [record]);
        await request.Json(rendered.Count == 1 ? rendered[0] : throw ApiException.NotFound(), FeedsJsonContext.Default.Notification);
    }

    public static async Task Dismiss(ApiRequest request)
    {
        await request.Service<NotificationService>().DismissAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    public static async Task Clear(ApiRequest request)
    {
        await request.Service<NotificationService>().ClearAsync(request.CurrentAccount.Id, request.Aborted);
        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    /// <summary><c>GET /api/v1/notifications/unread_count</c>: notifications newer than the notifications marker (at most 1000, as Mastodon caps it).</summary>
    public static async Task UnreadCount(ApiRequest request)
    {
        var count = await NotificationCounts.UnreadAsync(request, Filter(request));
        await request.Json(new UnreadCount(count), FeedsJsonContext.Default.UnreadCount);
    }

    /// <summary>The type and account filters both notification APIs accept.</summary>
    internal static Func<NotificationRecord, bool> Filter(ApiRequest request)
    {
        var types = request.Params.GetStrings("types").ToHashSet(StringComparer.Ordinal);
        var excluded = request.Params.GetStrings("exclude_types").ToHashSet(StringComparer.Ordinal);
        var fromAccount = request.Params.GetString("account_id");
        return n => (types.Count == 0 || types.Contains(n.Type)) && !excluded.Contains(n.Type) && (string.IsNullOrEmpty(fromAccount) || n.FromAccountId == fromAccount);
    }

    /// <summary>Renders notifications with their accounts and statuses in two batch reads; drops those whose status is gone.</summary>
    internal static async Task<List<Notification>> RenderAsync(ApiRequest request, IReadOnlyList<NotificationRecord> records)
    {
        var mapper = request.Service<EntityMapper>();
        var accounts = (await request.Service<AccountService>().GetManyAsync(records.Select(r => r.FromAccountId), request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var statusIds = records.Where(r => r.StatusId is not null).Select(r => r.StatusId!).Distinct(StringComparer.Ordinal).ToList();
        var safety = await request.Service<Core.Safety.StatusFilter>().ForViewerAsync(request.Account, request.Aborted);
        var statuses = (await request.Service<TimelineService>().RenderAsync(statusIds, request.Account, _ => true, Core.Safety.SafetyScope.Status, request.Aborted)).ToDictionary(v => v.Status.Id, StringComparer.Ordinal);
        var renderer = await request.StatusRendererAsync(Core.Filters.FilterContexts.Notifications);

        var result = new List<Notification>(records.Count);
        foreach (var record in records)
        {
            if (!accounts.TryGetValue(record.FromAccountId, out var from) || safety.HidesNotificationFrom(from))
            {
                continue;
            }

            StatusView? status = null;
            if (record.StatusId is not null && !statuses.TryGetValue(record.StatusId, out status))
            {
                continue;
            }

            // Mentions and posts matching a filter that hides them are left out, as Mastodon's irreversible filters.
            if (status is not null && record.Type is "mention" or "status" && renderer.Hides(status))
            {
                continue;
            }

            result.Add(new Notification
            {
                Id = record.Id,
                Type = record.Type,
                GroupKey = record.GroupKey,
                CreatedAt = EntityMapper.Timestamp(record.CreatedAt),
                Account = mapper.ToAccount(from),
                Status = status is null ? null : renderer.Render(status),
            });
        }

        return result;
    }
}
