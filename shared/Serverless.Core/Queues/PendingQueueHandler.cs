using Microsoft.Extensions.Logging;

namespace Serverless.Core.Queues;

/// <summary>
/// The handler of a queue whose work is not built yet (deliver, ingest, media, pull until the
/// federation and media work lands). Nothing sends to these queues today; if something does, the
/// message is logged and completed so that it cannot block the queue.
/// </summary>
public sealed partial class PendingQueueHandler(string queue, ILogger<PendingQueueHandler> logger) : IQueueHandler
{
    public string Queue { get; } = queue;

    public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogDropped(logger, Queue, message.Id);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} has no handler yet; message {MessageId} was dropped")]
    private static partial void LogDropped(ILogger logger, string queue, string messageId);
}
