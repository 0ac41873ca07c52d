namespace Serverless.Core.Queues;

/// <summary>
/// The queue port: send a small message to one of the named queues, now or after a delay.
/// Delivery is at least once on every transport, so every handler must be idempotent.
/// </summary>
public interface IWorkQueue
{
    Task SendAsync(string queue, string body, TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The queues, one per kind of work, as Mastodon's Sidekiq queues.</summary>
public static class QueueNames
{
    /// <summary>One signed POST of one activity to one inbox.</summary>
    public const string Deliver = "deliver";

    /// <summary>One verified inbound activity.</summary>
    public const string Ingest = "ingest";

    /// <summary>A local post or event to timelines, streams and the distinct remote inboxes, in pages.</summary>
    public const string Fanout = "fanout";

    /// <summary>Thumbnails, blurhash, metadata stripping, remote media caching.</summary>
    public const string Media = "media";

    /// <summary>Fetches of remote actors, outboxes, threads and link cards.</summary>
    public const string Pull = "pull";

    public static readonly IReadOnlyList<string> All = [Deliver, Ingest, Fanout, Media, Pull];
}

/// <summary>A message as a handler receives it.</summary>
/// <param name="Id">The transport's message id.</param>
/// <param name="Queue">The queue it came from.</param>
/// <param name="Body">The JSON body that was sent.</param>
/// <param name="DeliveryCount">1 on the first delivery; higher after a crash or an abandon.</param>
public sealed record QueueMessage(string Id, string Queue, string Body, int DeliveryCount);

/// <summary>
/// One handler per queue. A handler that completes normally has finished the message; one that
/// throws gets it again (the transport counts deliveries and dead-letters eventually). A handler
/// that wants to retry later sends a copy with a delay and returns normally.
/// </summary>
public interface IQueueHandler
{
    string Queue { get; }

    Task HandleAsync(QueueMessage message, CancellationToken cancellationToken);
}

/// <summary>Finds the handler of a queue; both hosts call handlers through it.</summary>
public sealed class QueueHandlers(IEnumerable<IQueueHandler> handlers)
{
    // A queue whose real handler is registered drops its PendingQueueHandler placeholder.
    private readonly Dictionary<string, IQueueHandler> _byQueue = handlers
        .GroupBy(h => h.Queue, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Where(h => h is not PendingQueueHandler).SingleOrDefault() ?? g.First(), StringComparer.Ordinal);

    public IQueueHandler For(string queue) =>
        _byQueue.TryGetValue(queue, out var handler) ? handler : throw new InvalidOperationException($"No handler for queue '{queue}'.");

    public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return For(message.Queue).HandleAsync(message, cancellationToken);
    }
}
