using Serverless.Core.Notifications;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary>Unread counts: notifications newer than the user's <c>notifications</c> marker.</summary>
internal static class NotificationCounts
{
    public const int Cap = 1000;

    public static async Task<int> UnreadAsync(ApiRequest request, Func<NotificationRecord, bool> include)
    {
        var markers = request.Service<Core.Markers.MarkerService>();
        var marker = await markers.GetAsync(request.CurrentAccount.Id, "notifications", request.Aborted);
        var limit = Math.Clamp(request.Params.GetInt("limit") ?? 100, 1, Cap);
        var page = new PageRequest(null, marker?.LastReadId, null, limit);
        var unread = await request.Service<NotificationService>().ListAsync(request.CurrentAccount.Id, page, include, request.Aborted);
        return unread.Count;
    }
}
