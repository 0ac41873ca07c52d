using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Azure.ServiceBus;
using Serverless.Core.Queues;
using Serverless.Embedded.Queues;
using Serverless.Standalone;

namespace Serverless.Tests.Azure.ServiceBus;

/// <summary>
/// Receiving outside Azure Functions (the standalone host with a Service Bus connection), without a
/// broker: the message mapping, the processor settings and the hand-over to the handlers.
/// </summary>
public sealed class ServiceBusQueuePumpTests
{
    private const string Namespace = "social.servicebus.windows.net";

    [Fact]
    public void A_received_message_reaches_handlers_with_its_id_body_and_delivery_count()
    {
        var received = ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString("""{"mediaAttachmentId":"7"}"""), messageId: "m-1", deliveryCount: 3, sequenceNumber: 42);
        Assert.Equal(new QueueMessage("m-1", QueueNames.Media, """{"mediaAttachmentId":"7"}""", 3), ServiceBusMessages.ToQueueMessage(QueueNames.Media, received));

        // Without a message id the sequence number stands in; a count of 0 is a first delivery.
        var bare = ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString("{}"), sequenceNumber: 42, deliveryCount: 0);
        Assert.Equal(new QueueMessage("42", QueueNames.Pull, "{}", 1), ServiceBusMessages.ToQueueMessage(QueueNames.Pull, bare));
    }

    [Fact]
    public void Processors_settle_as_the_Functions_triggers_do_with_fewer_media_at_once()
    {
        var options = new ServiceBusQueuePumpOptions();
        foreach (var queue in QueueNames.All)
        {
            var processor = ServiceBusQueuePump.ProcessorOptions(queue, options);
            Assert.True(processor.AutoCompleteMessages);
            Assert.Equal(0, processor.PrefetchCount);
            Assert.Equal(ServiceBusReceiveMode.PeekLock, processor.ReceiveMode);
            Assert.Equal(TimeSpan.FromMinutes(5), processor.MaxAutoLockRenewalDuration);
            Assert.Equal(queue == QueueNames.Media ? 4 : 16, processor.MaxConcurrentCalls);
        }
    }

    [Fact]
    public async Task The_pump_hands_messages_to_the_queue_handler_and_a_failure_reaches_the_processor()
    {
        var seen = new List<QueueMessage>();
        var services = new ServiceCollection()
            .AddSingleton<IQueueHandler>(new RecordingHandler(QueueNames.Deliver, seen))
            .AddSingleton<IQueueHandler>(new FailingHandler(QueueNames.Fanout))
            .BuildServiceProvider();
        await using var client = new ServiceBusClient(Namespace, new global::Azure.Identity.DefaultAzureCredential());
        var pump = new ServiceBusQueuePump(client, services, new ServiceBusQueuePumpOptions(), NullLogger<ServiceBusQueuePump>.Instance);

        await pump.HandleAsync(QueueNames.Deliver, ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString("{}"), messageId: "d-1", deliveryCount: 1), CancellationToken.None);
        Assert.Equal("d-1", Assert.Single(seen).Id);

        // The processor abandons a message whose handler throws: it comes back, as on Functions.
        await Assert.ThrowsAsync<TimeoutException>(() => pump.HandleAsync(QueueNames.Fanout, ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString("{}")), CancellationToken.None));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task The_standalone_host_with_a_Service_Bus_connection_sends_and_receives_there(string runWorkers, bool pump)
    {
        var data = Directory.CreateTempSubdirectory("serverless-sb-").FullName;
        try
        {
            await using var app = StandaloneHost.Build([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATA_DIR"] = data,
                ["PORT"] = "0",
                ["RUN_QUEUE_WORKERS"] = runWorkers,
                ["ServiceBusConnection:fullyQualifiedNamespace"] = Namespace,
            }));
            Assert.IsType<ServiceBusWorkQueue>(app.Services.GetRequiredService<IWorkQueue>());
            var hosted = app.Services.GetServices<IHostedService>().ToList();
            Assert.DoesNotContain(hosted, s => s is QueuePump);
            Assert.Equal(pump, hosted.Any(s => s is ServiceBusQueuePump));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed class FailingHandler(string queue) : IQueueHandler
    {
        public string Queue => queue;

        public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken) => throw new TimeoutException("remote server too slow");
    }

    private sealed class RecordingHandler(string queue, List<QueueMessage> seen) : IQueueHandler
    {
        public string Queue => queue;

        public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
        {
            seen.Add(message);
            return Task.CompletedTask;
        }
    }
}
