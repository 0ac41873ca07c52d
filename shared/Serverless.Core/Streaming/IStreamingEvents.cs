using Serverless.Core.Notifications;
using Serverless.Core.Statuses;

namespace Serverless.Core.Streaming;

/// <summary>
/// The seam through which fan-out and notifications announce what clients should see live.
/// The HTTP surface implements it (it renders the Mastodon entities and publishes them through
/// <see cref="IStreamPublisher"/>); where nothing is registered, nothing is streamed.
/// Implementations never throw for a failed publish: streaming is best-effort, the timelines
/// and notifications already written are the record.
/// </summary>
public interface IStreamingEvents
{
    /// <summary>
    /// Fan-out put <paramref name="status"/> on (<see cref="StreamEvents.Update"/>), took it off
    /// (<see cref="StreamEvents.Delete"/>) or re-announces an edit on
    /// (<see cref="StreamEvents.StatusUpdate"/>) the timeline <paramref name="timelineKey"/>.
    /// </summary>
    Task TimelineAsync(string @event, StatusRecord status, string timelineKey, CancellationToken cancellationToken);

    /// <summary>A notification was stored for its recipient.</summary>
    Task NotificationAsync(NotificationRecord notification, CancellationToken cancellationToken);

    /// <summary>A direct status updated the conversations of these local participants.</summary>
    Task ConversationAsync(StatusRecord status, IReadOnlyList<string> participantIds, CancellationToken cancellationToken);
}
