using Serverless.Core.Accounts;
using Serverless.Core.Notifications;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary>Unread counts: notifications newer than the user's <c>notifications</c> marker.</summary>
internal static class NotificationCounts
{
    public const int Cap = 1000;

    /// <summary>
    /// Counts what the notification list would show: senders the viewer now blocks (or who block
    /// them), mutes with notifications, domain-blocks, or that are suspended or gone are left out.
    /// </summary>
    public static async Task<int> UnreadAsync(ApiRequest request, Func<NotificationRecord, bool> include)
    {
        var viewerId = request.CurrentAccount.Id;
        var markers = request.Service<Core.Markers.MarkerService>();
        var marker = await markers.GetAsync(viewerId, "notifications", request.Aborted);
        var safety = await request.Service<Core.Safety.StatusFilter>().ForViewerAsync(request.Account, request.Aborted);
        var limit = Math.Clamp(request.Params.GetInt("limit") ?? 100, 1, Cap);
        var page = new PageRequest(null, marker?.LastReadId, null, limit);

        // Id-level checks run inside the bounded scan, so hidden senders do not take the places of visible ones.
        var unread = await request.Service<NotificationService>().ListAsync(viewerId, page, n => include(n) && !HiddenById(safety, viewerId, n.FromAccountId), request.Aborted);
        if (unread.Count == 0)
        {
            return 0;
        }

        // Suspension and the sender's domain need the accounts: one batch of point reads.
        var senders = (await request.Service<AccountService>().GetManyAsync(unread.Select(n => n.FromAccountId), request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        return unread.Count(n => senders.TryGetValue(n.FromAccountId, out var from) && !safety.HidesNotificationFrom(from));
    }

    private static bool HiddenById(Core.Safety.ViewerSafety safety, string viewerId, string fromId) =>
        fromId != viewerId
        && (safety.IsBlocking(fromId) || safety.IsBlockedBy(fromId) || (safety.Muting.TryGetValue(fromId, out var mute) && mute.HideNotifications));
}
