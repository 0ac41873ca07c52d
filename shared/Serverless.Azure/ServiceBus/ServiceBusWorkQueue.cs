using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Serverless.Core.Queues;

namespace Serverless.Azure.ServiceBus;

/// <summary>
/// The work queue on Service Bus: one queue per kind of work (<see cref="QueueNames"/>), one
/// sender per queue created on first use and reused (a sender is an AMQP link; opening one per
/// message would cost a round trip and a link each time). Delays are scheduled messages. The
/// Service Bus-triggered functions (or, outside Functions, the ServiceBusQueuePump) consume the queues.
/// </summary>
public sealed class ServiceBusWorkQueue : IWorkQueue, IAsyncDisposable, IDisposable
{
    private readonly Func<string, IServiceBusQueueSender> _createSender;
    private readonly TimeProvider _time;
    private readonly IAsyncDisposable? _client;
    private readonly ConcurrentDictionary<string, Lazy<IServiceBusQueueSender>> _senders = new(StringComparer.Ordinal);

    /// <param name="createSender">Opens the sender of a queue; called once per queue.</param>
    /// <param name="time">The clock that scheduled messages are timed by.</param>
    /// <param name="client">What the senders come from, disposed after them (the queue owns it); null when owned elsewhere.</param>
    public ServiceBusWorkQueue(Func<string, IServiceBusQueueSender> createSender, TimeProvider time, IAsyncDisposable? client = null)
    {
        _createSender = createSender ?? throw new ArgumentNullException(nameof(createSender));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _client = client;
    }

    /// <summary>A queue over a real client, which it owns: one <see cref="ServiceBusSender"/> per queue.</summary>
    public static ServiceBusWorkQueue Create(ServiceBusClient client, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ServiceBusWorkQueue(queue => new ServiceBusQueueSender(client.CreateSender(queue)), time, client);
    }

    public async Task SendAsync(string queue, string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!QueueNames.All.Contains(queue, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{queue}' is not one of the queues ({string.Join(", ", QueueNames.All)}).", nameof(queue));
        }

        var message = ServiceBusMessages.Create(queue, body, delay, _time.GetUtcNow(), ServiceBusMessages.NewMessageId());
        await SenderFor(queue).SendAsync(message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values.Where(s => s.IsValueCreated))
        {
            await sender.Value.DisposeAsync();
        }

        _senders.Clear();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    /// <summary>For containers disposed synchronously: the SDK's links close asynchronously, so this waits for them.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private IServiceBusQueueSender SenderFor(string queue) =>
        _senders.GetOrAdd(queue, name => new Lazy<IServiceBusQueueSender>(() => _createSender(name), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
