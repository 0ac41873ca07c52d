using System.Text.Json;
using Serverless.Core.Streaming;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Publishes a stream event as a Web PubSub group send: the group is the event's own
/// (<c>user:{id}</c>, <c>public:local</c>, <c>hashtag:{tag}</c>…, the names the connect and
/// subscribe handlers join connections to), the message Mastodon's frame
/// <c>{"stream":[…],"event":"update","payload":"&lt;JSON string&gt;"}</c>. The service cannot filter
/// per connection, so what the publisher decided per viewer travels as an OData filter: an event
/// with <see cref="StreamEvent.ExceptViewers"/> goes to the group except those accounts'
/// connections, one with <see cref="StreamEvent.OnlyViewer"/> to that account's connections in
/// the group only (a send to the user filtered on the group). A long exclusion list becomes a few
/// sends, split by the ids' last character (<see cref="WebPubSubFilter.ExceptUsersSplit"/>).
/// </summary>
public sealed class WebPubSubStreamPublisher(IWebPubSubClient client) : IStreamPublisher
{
    public Task PublishAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        if (streamEvent.OnlyViewer is { } viewer)
        {
            return client.SendToUserAsync(viewer, Frame(streamEvent), WebPubSubFilter.InGroup(streamEvent.Group), cancellationToken);
        }

        if (streamEvent.ExceptViewers is not { Count: > 0 } except)
        {
            return client.SendToGroupAsync(streamEvent.Group, Frame(streamEvent), null, cancellationToken);
        }

        return SendExceptAsync(streamEvent, except, cancellationToken);
    }

    /// <summary>One send per filter of the split (usually one); none when the exclusions cannot be expressed, which the caller logs.</summary>
    private async Task SendExceptAsync(StreamEvent streamEvent, IReadOnlyCollection<string> except, CancellationToken cancellationToken)
    {
        var filters = WebPubSubFilter.ExceptUsersSplit(except)
            ?? throw new InvalidOperationException($"{except.Count} viewers to leave out of {streamEvent.Group} do not fit in Web PubSub filters; not sent.");
        var frame = Frame(streamEvent);
        foreach (var filter in filters)
        {
            await client.SendToGroupAsync(streamEvent.Group, frame, filter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Mastodon's streaming frame: the payload stays a string, as Mastodon sends it.</summary>
    public static string Frame(StreamEvent streamEvent)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("stream");
            foreach (var name in streamEvent.Stream)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteString("event", streamEvent.Event);
            writer.WriteString("payload", streamEvent.Payload);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
