using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Scheduling;

namespace Serverless.Functions;

/// <summary>
/// Publishes scheduled statuses and announces ended polls, once a minute (the timer runs on one
/// instance at a time; the work is idempotent anyway). The standalone host runs the same
/// <see cref="ScheduledStatusPublisher"/> from a background loop.
/// </summary>
public sealed class ScheduledStatusesFunction(ScheduledStatusPublisher publisher, TimeProvider time)
{
    [Function("ScheduledStatuses")]
    public Task Run([TimerTrigger("0 * * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return publisher.PublishDueAsync(time.GetUtcNow(), context.CancellationToken);
    }
}
