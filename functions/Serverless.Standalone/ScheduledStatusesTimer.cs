using Serverless.Core.Scheduling;

namespace Serverless.Standalone;

/// <summary>
/// The standalone host's timer for work that falls due (scheduled statuses, poll ends): every
/// <see cref="Interval"/> it hands the current time to <see cref="ScheduledStatusPublisher"/>, as
/// the Functions app's timer trigger does on Azure.
/// </summary>
public sealed partial class ScheduledStatusesTimer(ScheduledStatusPublisher publisher, TimeProvider time, ILogger<ScheduledStatusesTimer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await publisher.PublishDueAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed run must not stop the timer; what failed stays due.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing due scheduled work failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
