using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Core.Queues;

namespace Serverless.Core.Media;

/// <summary>
/// The <c>media</c> queue: processes an upload (<see cref="MediaService.ProcessAsync"/>). A file
/// that cannot be decoded marks the attachment failed at once; an unexpected error is retried by
/// the transport, and marks it failed after <see cref="MediaService.MaxProcessingAttempts"/>
/// deliveries so that clients polling it stop waiting. Redeliveries of a finished upload do nothing.
/// </summary>
public sealed partial class MediaProcessingHandler(MediaService media, ILogger<MediaProcessingHandler> logger) : IQueueHandler
{
    public string Queue => QueueNames.Media;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = JsonSerializer.Deserialize(message.Body, MediaJsonContext.Default.MediaMessage)
            ?? throw new JsonException("Empty media message.");
        try
        {
            await media.ProcessAsync(body.MediaAttachmentId, cancellationToken);
        }
        catch (MediaProcessingException ex)
        {
            LogFailed(logger, body.MediaAttachmentId, ex.Message);
            await media.MarkFailedAsync(body.MediaAttachmentId, ex.Message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && message.DeliveryCount >= MediaService.MaxProcessingAttempts)
        {
            LogGaveUp(logger, ex, body.MediaAttachmentId, message.DeliveryCount);
            await media.MarkFailedAsync(body.MediaAttachmentId, ex.Message, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media {MediaId} failed processing: {Reason}")]
    private static partial void LogFailed(ILogger logger, string mediaId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Media {MediaId} failed processing after {Deliveries} deliveries")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string mediaId, int deliveries);
}
