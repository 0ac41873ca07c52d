using Microsoft.Extensions.Logging;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Polls;

/// <summary>
/// The counts of a local poll go to the servers that show it (its remote voters and the author's
/// followers) after votes and at its end, as Mastodon sends an <c>Update</c> of the poll.
/// </summary>
public sealed partial class VoteService
{
    /// <summary>Schedules the poll's <c>Update</c>; a failure leaves the vote counted (the next vote or the end sends the counts).</summary>
    private async Task SendTallyAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.PollTalliedAsync(status, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogTallyNotSent(logger, ex, status.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The counts of the poll of status {StatusId} were not sent")]
    private static partial void LogTallyNotSent(ILogger logger, Exception exception, string statusId);
}
