using System.Text.Json;
using Serverless.Core.Streaming;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Publishes a stream event as a Web PubSub group send: the group is the event's own
/// (<c>user:{id}</c>, <c>public:local</c>, <c>hashtag:{tag}</c>…, the names the connect and
/// subscribe handlers join connections to), the message Mastodon's frame
/// <c>{"stream":[…],"event":"update","payload":"&lt;JSON string&gt;"}</c>.
/// </summary>
public sealed class WebPubSubStreamPublisher(IWebPubSubClient client) : IStreamPublisher
{
    public Task PublishAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        return client.SendToGroupAsync(streamEvent.Group, Frame(streamEvent), cancellationToken);
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
