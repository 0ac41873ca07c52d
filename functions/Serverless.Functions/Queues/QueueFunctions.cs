using Microsoft.Azure.Functions.Worker;
using Serverless.Core.Queues;

namespace Serverless.Functions.Queues;

/// <summary>
/// One Service Bus-triggered function per queue in <see cref="QueueNames.All"/>, so that Flex
/// Consumption scales each kind of work on its own. Each hands the message to the same
/// <see cref="QueueHandlers"/> that the standalone host's embedded queue pump calls.
/// </summary>
/// <remarks>
/// Messages auto-complete when the handler returns and are redelivered when it throws (the
/// DeliveryCount rises until Service Bus dead-letters the message); handlers that want a later
/// retry send a delayed copy themselves and return normally.
/// </remarks>
public sealed class QueueFunctions(QueueHandlers handlers)
{
    /// <summary>The setting (or setting prefix) that holds the Service Bus connection.</summary>
    public const string ConnectionSetting = "ServiceBusConnection";

    /// <summary>Media messages in processing on this instance; the worker makes a new QueueFunctions per invocation.</summary>
    private static readonly SemaphoreSlim MediaSlots = new(ServiceBusHostSettings.MaxConcurrentMedia, ServiceBusHostSettings.MaxConcurrentMedia);

    [Function("Deliver")]
    public Task Deliver([ServiceBusTrigger(QueueNames.Deliver, Connection = ConnectionSetting)] string body, FunctionContext context) =>
        HandleAsync(QueueNames.Deliver, body, context);

    [Function("Ingest")]
    public Task Ingest([ServiceBusTrigger(QueueNames.Ingest, Connection = ConnectionSetting)] string body, FunctionContext context) =>
        HandleAsync(QueueNames.Ingest, body, context);

    [Function("Fanout")]
    public Task Fanout([ServiceBusTrigger(QueueNames.Fanout, Connection = ConnectionSetting)] string body, FunctionContext context) =>
        HandleAsync(QueueNames.Fanout, body, context);

    [Function("Media")]
    public async Task Media([ServiceBusTrigger(QueueNames.Media, Connection = ConnectionSetting)] string body, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // host.json lets every trigger take 16 messages at once; images need memory, so media
        // waits here for a slot (its lock is renewed meanwhile). See ServiceBusHostSettings.
        await MediaSlots.WaitAsync(context.CancellationToken);
        try
        {
            await HandleAsync(QueueNames.Media, body, context);
        }
        finally
        {
            MediaSlots.Release();
        }
    }

    [Function("Pull")]
    public Task Pull([ServiceBusTrigger(QueueNames.Pull, Connection = ConnectionSetting)] string body, FunctionContext context) =>
        HandleAsync(QueueNames.Pull, body, context);

    private Task HandleAsync(string queue, string body, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bindingData = context.BindingContext.BindingData;
        var message = new QueueMessage(
            ServiceBusBindingData.MessageId(bindingData, context.InvocationId),
            queue,
            body,
            ServiceBusBindingData.DeliveryCount(bindingData));
        return handlers.HandleAsync(message, context.CancellationToken);
    }
}
