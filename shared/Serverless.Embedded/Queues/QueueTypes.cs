using Serverless.Core.Queues;

namespace Serverless.Embedded.Queues;

/// <summary>Settings of the embedded queue.</summary>
public sealed record SqliteWorkQueueOptions
{
    /// <summary>Deliveries after which a message goes to the dead-letter table (Service Bus's default is 10).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>The largest body accepted, as Service Bus Standard (256 KB).</summary>
    public int MaxMessageBytes { get; init; } = 256 * 1024;
}

/// <summary>
/// A received message, locked for this consumer until <see cref="LockedUntil"/>. Pass it back to
/// complete, abandon, release, renew or dead-letter the message.
/// </summary>
public sealed record QueueLease(QueueMessage Message, string LeaseToken, DateTimeOffset EnqueuedAt, DateTimeOffset LockedUntil)
{
    public long SequenceNumber => long.Parse(Message.Id, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A message waiting in a queue: ready, scheduled for later, or locked by a consumer.</summary>
public sealed record PendingQueueMessage(string Id, string Queue, string Body, int DeliveryCount, DateTimeOffset EnqueuedAt, DateTimeOffset VisibleAt, bool Locked);

/// <summary>A message that was given up on, with why.</summary>
public sealed record DeadLetteredMessage(string Id, string Queue, string Body, int DeliveryCount, DateTimeOffset EnqueuedAt, DateTimeOffset DeadLetteredAt, string Reason);

/// <summary>How many messages a queue holds.</summary>
/// <param name="Ready">Visible now.</param>
/// <param name="NotVisible">Scheduled for later or locked by a consumer.</param>
/// <param name="DeadLettered">In the dead-letter table.</param>
public readonly record struct QueueCounts(long Ready, long NotVisible, long DeadLettered)
{
    public long Pending => Ready + NotVisible;
}
