using System.Text;
using Azure.Messaging.ServiceBus;
using Serverless.Core.Queues;

namespace Serverless.Azure.ServiceBus;

/// <summary>How a work-queue message becomes a Service Bus message: a pure function, tested on its own.</summary>
public static class ServiceBusMessages
{
    public const string JsonContentType = "application/json";

    /// <summary>
    /// The largest body sent. Service Bus Standard caps a whole message at 256 KB; our headers take
    /// far less than the 8 KB left. Messages carry ids, not content (DESIGN.md), so this is a
    /// guard against a bug, answered as the embedded queue answers it.
    /// </summary>
    public const int MaxBodyBytes = 248 * 1024;

    /// <summary>
    /// The message for <paramref name="body"/> on <paramref name="queue"/>: the JSON body as UTF-8,
    /// <c>application/json</c>, the queue as its subject, <paramref name="messageId"/> (fresh for
    /// every send, so that a retry is never taken for a duplicate), and, after a positive
    /// <paramref name="delay"/>, scheduled for <paramref name="now"/> + delay. No application
    /// properties: everything a handler needs is in the body.
    /// </summary>
    public static ServiceBusMessage Create(string queue, string body, TimeSpan delay, DateTimeOffset now, string messageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        var bytes = Encoding.UTF8.GetBytes(body);
        if (bytes.Length > MaxBodyBytes)
        {
            throw new ArgumentException($"A queue message may be at most {MaxBodyBytes} bytes; put the data in storage and send its id.", nameof(body));
        }

        var message = new ServiceBusMessage(new BinaryData(bytes))
        {
            MessageId = messageId,
            ContentType = JsonContentType,
            Subject = queue,
        };
        if (delay > TimeSpan.Zero)
        {
            message.ScheduledEnqueueTime = now + delay;
        }

        return message;
    }

    /// <summary>
    /// A received message as a handler takes it: the transport's message id (its sequence number
    /// if it has none), the queue, the body as text, and how often it has been delivered.
    /// </summary>
    public static QueueMessage ToQueueMessage(string queue, ServiceBusReceivedMessage message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(message);
        var id = string.IsNullOrEmpty(message.MessageId)
            ? message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : message.MessageId;
        return new QueueMessage(id, queue, message.Body.ToString(), Math.Max(1, message.DeliveryCount));
    }

    /// <summary>A new message id: every send, retries included, is a new message to duplicate detection.</summary>
    public static string NewMessageId() => Guid.NewGuid().ToString("N");
}
