using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Core.Queues;

namespace Serverless.Embedded.Queues;

/// <summary>Settings of the <see cref="QueuePump"/>.</summary>
public sealed record QueuePumpOptions
{
    /// <summary>The queues to consume; queues without a registered handler are skipped.</summary>
    public IReadOnlyList<string> Queues { get; init; } = QueueNames.All;

    /// <summary>Concurrent consumers per queue.</summary>
    public int ConsumersPerQueue { get; init; } = 3;

    /// <summary>How long a received message stays locked; the pump renews it at half-time while the handler runs.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle consumer looks for scheduled messages and messages from other processes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The wait before the first retry of a failed message; it doubles on every further failure.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Runs the queue handlers of the standalone host: for each queue, a few consumers receive from
/// the <see cref="SqliteWorkQueue"/> and call <see cref="QueueHandlers"/>. A handled message is
/// completed; a failed one is retried after a backoff and dead-lettered on its last delivery; a
/// message in flight at shutdown is released for redelivery.
/// </summary>
public sealed partial class QueuePump(
    SqliteWorkQueue queue,
    IServiceProvider services,
    QueuePumpOptions options,
    QueueTelemetry telemetry,
    TimeProvider time,
    ILogger<QueuePump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Handlers are resolved here, not in the constructor, so that the application may
        // register them after the adapters (and need not register QueueHandlers itself).
        var handlers = services.GetService<QueueHandlers>() ?? new QueueHandlers(services.GetServices<IQueueHandler>());
        var consumers = new List<Task>();
        foreach (var name in options.Queues)
        {
            if (!HasHandler(handlers, name))
            {
                LogNoHandler(logger, name);
                continue;
            }

            for (var i = 0; i < Math.Max(1, options.ConsumersPerQueue); i++)
            {
                consumers.Add(Task.Run(() => ConsumeAsync(name, handlers, stoppingToken), CancellationToken.None));
            }
        }

        var consumed = string.Join(", ", options.Queues.Where(name => HasHandler(handlers, name)));
        LogStarted(logger, consumers.Count, consumed);
        await Task.WhenAll(consumers);
    }

    private async Task ConsumeAsync(string name, QueueHandlers handlers, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Taken before receiving, so a send that lands after an empty receive still wakes us.
                var available = queue.WhenMessageAvailable(name);
                var lease = await queue.ReceiveAsync(name, options.VisibilityTimeout, stoppingToken);
                if (lease is null)
                {
                    await Task.WhenAny(available, Task.Delay(options.PollInterval, time, stoppingToken));
                    continue;
                }

                await ProcessAsync(lease, handlers, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A consumer must outlive any storage hiccup; the message is redelivered after its lease.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogConsumerError(logger, exception, name);
                await Task.WhenAny(Task.Delay(options.PollInterval, time, stoppingToken));
            }
        }
    }

    private async Task ProcessAsync(QueueLease lease, QueueHandlers handlers, CancellationToken stoppingToken)
    {
        var message = lease.Message;
        var queueTag = new KeyValuePair<string, object?>(QueueTelemetry.QueueTag, message.Queue);
        using var activity = QueueTelemetry.ActivitySource.StartActivity($"process {message.Queue}", ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "sqlite");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag(QueueTelemetry.QueueTag, message.Queue);
        activity?.SetTag("messaging.message.id", message.Id);
        activity?.SetTag("messaging.message.delivery_count", message.DeliveryCount);

        var started = time.GetTimestamp();
        Exception? failure = null;
        var interrupted = false;
        using (var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            var renewing = RenewWhileHandlingAsync(lease, renewal.Token);
            try
            {
                await handlers.HandleAsync(message, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                interrupted = true;
            }
#pragma warning disable CA1031 // Any handler failure means: retry later or dead-letter.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
            }
        }

        var outcome = interrupted ? "interrupted" : failure is null ? "success" : "failure";
        telemetry.Duration.Record(time.GetElapsedTime(started).TotalSeconds, queueTag, new KeyValuePair<string, object?>("outcome", outcome));

        // The outcome is recorded even when shutting down, hence no stopping token below.
        if (interrupted)
        {
            activity?.SetStatus(ActivityStatusCode.Unset, "interrupted by shutdown");
            await queue.ReleaseAsync(lease, CancellationToken.None);
            LogReleased(logger, message.Queue, message.Id);
            return;
        }

        if (failure is null)
        {
            telemetry.Handled.Add(1, queueTag);
            if (!await queue.CompleteAsync(lease, CancellationToken.None))
            {
                LogLeaseLost(logger, message.Queue, message.Id);
            }

            return;
        }

        telemetry.Failed.Add(1, queueTag);
        activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
        activity?.AddException(failure);
        if (message.DeliveryCount >= queue.MaxDeliveryCount)
        {
            LogFinalFailure(logger, failure, message.Queue, message.Id, message.DeliveryCount);
            await queue.DeadLetterAsync(lease, Truncate($"{failure.GetType().Name}: {failure.Message}"), CancellationToken.None);
            return;
        }

        var backoff = Backoff(message.DeliveryCount);
        LogRetry(logger, failure, message.Queue, message.Id, message.DeliveryCount, backoff.TotalSeconds);
        await queue.AbandonAsync(lease, backoff, CancellationToken.None);
    }

    private async Task RenewWhileHandlingAsync(QueueLease lease, CancellationToken cancellationToken)
    {
        var interval = options.VisibilityTimeout / 2;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, cancellationToken);
                if (!await queue.RenewAsync(lease, options.VisibilityTimeout, cancellationToken))
                {
                    LogLeaseLost(logger, lease.Message.Queue, lease.Message.Id);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The handler finished.
        }
#pragma warning disable CA1031 // A failed renewal must not fail the handler; at worst the message is redelivered.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogConsumerError(logger, exception, lease.Message.Queue);
        }
    }

    /// <summary>Doubles per delivery from <see cref="QueuePumpOptions.RetryBackoff"/>, capped, with ±20 % jitter so retries spread out.</summary>
    private TimeSpan Backoff(int deliveryCount)
    {
        var exponent = Math.Min(Math.Max(deliveryCount - 1, 0), 20);
        var baseDelay = Math.Min(options.RetryBackoff.TotalMilliseconds * Math.Pow(2, exponent), options.MaxRetryBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(baseDelay * jitter);
    }

    private static bool HasHandler(QueueHandlers handlers, string name)
    {
        try
        {
            handlers.For(name);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : string.Create(CultureInfo.InvariantCulture, $"{reason.AsSpan(0, 1000)}…");

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue pump started {ConsumerCount} consumers for queues {Queues}")]
    private static partial void LogStarted(ILogger logger, int consumerCount, string queues);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No handler is registered for queue {Queue}; its messages wait")]
    private static partial void LogNoHandler(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Consumer of queue {Queue} failed outside a handler")]
    private static partial void LogConsumerError(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler of queue {Queue} failed on message {MessageId} (delivery {DeliveryCount}); retrying in {BackoffSeconds:0.###} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, string queue, string messageId, int deliveryCount, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler of queue {Queue} failed on message {MessageId} for the last time (delivery {DeliveryCount}); dead-lettering it")]
    private static partial void LogFinalFailure(ILogger logger, Exception exception, string queue, string messageId, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of message {MessageId} on queue {Queue}; another consumer may handle it again")]
    private static partial void LogLeaseLost(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released message {MessageId} of queue {Queue} at shutdown; it will be delivered again")]
    private static partial void LogReleased(ILogger logger, string queue, string messageId);
}
