using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Core.Queues;

namespace Serverless.Azure.ServiceBus;

/// <summary>How the <see cref="ServiceBusQueuePump"/> receives: the same choices as host.json's for the Functions triggers.</summary>
public sealed record ServiceBusQueuePumpOptions
{
    public int MaxConcurrentCallsPerQueue { get; init; } = 16;

    /// <summary>The media queue decodes images: fewer at once (see the Functions app's ServiceBusHostSettings).</summary>
    public int MaxConcurrentMedia { get; init; } = 4;

    public TimeSpan MaxAutoLockRenewalDuration { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Runs the queue handlers from Service Bus outside Azure Functions (the standalone host with a
/// Service Bus connection): one processor per queue, settling as the Functions triggers do
/// (completed when the handler returns, abandoned and so redelivered when it throws, no prefetch).
/// It owns its client (a connection of its own, apart from the senders').
/// </summary>
public sealed partial class ServiceBusQueuePump(
    ServiceBusClient client,
    IServiceProvider services,
    ServiceBusQueuePumpOptions options,
    ILogger<ServiceBusQueuePump> logger) : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly List<ServiceBusProcessor> _processors = [];
    private QueueHandlers? _handlers;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in QueueNames.All)
        {
            var processor = client.CreateProcessor(queue, ProcessorOptions(queue, options));
            processor.ProcessMessageAsync += args => HandleAsync(queue, args.Message, args.CancellationToken);
            processor.ProcessErrorAsync += args =>
            {
                LogReceiveFailed(logger, args.Exception, queue, args.ErrorSource.ToString());
                return Task.CompletedTask;
            };
            _processors.Add(processor);
            await processor.StartProcessingAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var processor in _processors)
        {
            await processor.StopProcessingAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _processors)
        {
            await processor.DisposeAsync();
        }

        _processors.Clear();
        await client.DisposeAsync();
    }

    /// <summary>For containers disposed synchronously: the SDK's links close asynchronously, so this waits for them.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The processor settings of a queue: auto-complete, no prefetch, lock renewal, fewer media at once.</summary>
    public static ServiceBusProcessorOptions ProcessorOptions(string queue, ServiceBusQueuePumpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = true,
            PrefetchCount = 0,
            MaxConcurrentCalls = queue == QueueNames.Media ? options.MaxConcurrentMedia : options.MaxConcurrentCallsPerQueue,
            MaxAutoLockRenewalDuration = options.MaxAutoLockRenewalDuration,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
        };
    }

    /// <summary>Hands one received message to its queue's handler; an exception abandons it (the processor redelivers).</summary>
    public Task HandleAsync(string queue, ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        // Resolved on first use, not in the constructor, so that handlers may be registered after the adapters.
        var handlers = _handlers ??= services.GetService<QueueHandlers>() ?? new QueueHandlers(services.GetServices<IQueueHandler>());
        return handlers.HandleAsync(ServiceBusMessages.ToQueueMessage(queue, message), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from Service Bus queue {Queue} failed ({Source})")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string queue, string source);
}
