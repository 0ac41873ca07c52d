using Azure.Messaging.ServiceBus;

namespace Serverless.Azure.ServiceBus;

/// <summary>Sends to one queue: the seam between <see cref="ServiceBusWorkQueue"/> and the SDK's <see cref="ServiceBusSender"/>.</summary>
public interface IServiceBusQueueSender : IAsyncDisposable
{
    string QueueName { get; }

    Task SendAsync(ServiceBusMessage message, CancellationToken cancellationToken);
}

/// <summary>The real sender: one AMQP link to one queue, kept open for the life of the process.</summary>
public sealed class ServiceBusQueueSender(ServiceBusSender sender) : IServiceBusQueueSender
{
    public string QueueName => sender.EntityPath;

    public Task SendAsync(ServiceBusMessage message, CancellationToken cancellationToken) =>
        sender.SendMessageAsync(message, cancellationToken);

    public ValueTask DisposeAsync() => sender.DisposeAsync();
}
