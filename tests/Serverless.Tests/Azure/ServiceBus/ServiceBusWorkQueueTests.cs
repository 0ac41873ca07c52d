using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.ServiceBus;
using Serverless.Core.Queues;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Azure.ServiceBus;

/// <summary>
/// The Service Bus work queue without a broker (no emulator runs here): the message mapping as a
/// pure function, and the queue over a fake sender in place of the SDK's ServiceBusSender.
/// </summary>
public sealed class ServiceBusWorkQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_carries_the_JSON_body_its_queue_as_subject_and_the_given_id_and_nothing_else()
    {
        var message = ServiceBusMessages.Create(QueueNames.Deliver, """{"deliveryId":"1","attempt":2,"text":"café"}""", TimeSpan.Zero, Now, "m-1");

        Assert.Equal("""{"deliveryId":"1","attempt":2,"text":"café"}""", message.Body.ToString());
        Assert.Equal("""{"deliveryId":"1","attempt":2,"text":"café"}"""u8.ToArray(), message.Body.ToArray());
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("deliver", message.Subject);
        Assert.Equal("m-1", message.MessageId);
        Assert.Equal(default, message.ScheduledEnqueueTime);
        Assert.Empty(message.ApplicationProperties);
        Assert.Null(message.SessionId);
        Assert.Null(message.PartitionKey);
        Assert.Null(message.CorrelationId);
        // The queue's default time to live applies (Bicep: 8 days).
        Assert.Equal(TimeSpan.MaxValue, message.TimeToLive);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(90)]
    [InlineData(86_400)]
    public void A_delay_schedules_the_message_from_now(int seconds)
    {
        var message = ServiceBusMessages.Create(QueueNames.Pull, "{}", TimeSpan.FromSeconds(seconds), Now, "m");
        Assert.Equal(Now.AddSeconds(seconds), message.ScheduledEnqueueTime);
    }

    [Fact]
    public void No_delay_or_a_negative_one_sends_at_once()
    {
        Assert.Equal(default, ServiceBusMessages.Create(QueueNames.Pull, "{}", TimeSpan.FromSeconds(-5), Now, "m").ScheduledEnqueueTime);
        Assert.Equal(default, ServiceBusMessages.Create(QueueNames.Pull, "{}", TimeSpan.Zero, Now, "m").ScheduledEnqueueTime);
    }

    [Fact]
    public void Bodies_over_the_limit_are_refused_before_sending()
    {
        ServiceBusMessages.Create(QueueNames.Ingest, new string('a', ServiceBusMessages.MaxBodyBytes), TimeSpan.Zero, Now, "m");
        var error = Assert.Throws<ArgumentException>(() => ServiceBusMessages.Create(QueueNames.Ingest, new string('a', ServiceBusMessages.MaxBodyBytes + 1), TimeSpan.Zero, Now, "m"));
        Assert.Contains("put the data in storage", error.Message, StringComparison.Ordinal);

        // Counted in UTF-8 bytes, not characters.
        Assert.Throws<ArgumentException>(() => ServiceBusMessages.Create(QueueNames.Ingest, new string('é', (ServiceBusMessages.MaxBodyBytes / 2) + 1), TimeSpan.Zero, Now, "m"));
    }

    [Fact]
    public async Task Every_send_is_a_new_message_id_so_retries_are_never_dropped_as_duplicates()
    {
        var fakes = new FakeSenders();
        var queue = new ServiceBusWorkQueue(fakes.Create, new FakeTimeProvider(Now));

        // The same body twice (a handler re-sending a copy, or a retry after a failed send).
        await queue.SendAsync(QueueNames.Deliver, """{"deliveryId":"7","attempt":1}""", TimeSpan.Zero, CancellationToken.None);
        await queue.SendAsync(QueueNames.Deliver, """{"deliveryId":"7","attempt":1}""", TimeSpan.Zero, CancellationToken.None);

        var sent = fakes.Sent(QueueNames.Deliver);
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0].MessageId, sent[1].MessageId);
        Assert.All(sent, m => Assert.Matches("^[0-9a-f]{32}$", m.MessageId));
    }

    [Fact]
    public async Task One_sender_per_queue_is_opened_once_and_reused_even_under_concurrent_sends()
    {
        var fakes = new FakeSenders();
        var queue = new ServiceBusWorkQueue(fakes.Create, new FakeTimeProvider(Now));

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => queue.SendAsync(QueueNames.All[i % QueueNames.All.Count], "{}", TimeSpan.Zero, CancellationToken.None))));

        Assert.Equal(QueueNames.All.Order(StringComparer.Ordinal), fakes.Opened.Order(StringComparer.Ordinal));
        foreach (var name in QueueNames.All)
        {
            Assert.Equal(40, fakes.Sent(name).Count);
            Assert.All(fakes.Sent(name), m => Assert.Equal(name, m.Subject));
        }

        Assert.Equal(200, fakes.All.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Delays_are_scheduled_messages_timed_by_the_clock()
    {
        var time = new FakeTimeProvider(Now);
        var fakes = new FakeSenders();
        var queue = new ServiceBusWorkQueue(fakes.Create, time);

        await queue.SendJsonAsync(QueueNames.Deliver, new Probe("retry"), ProbeJsonContext.Default.Probe, TimeSpan.FromMinutes(5), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await queue.SendAsync(QueueNames.Deliver, "{}", TimeSpan.Zero, CancellationToken.None);

        var sent = fakes.Sent(QueueNames.Deliver);
        Assert.Equal(Now.AddMinutes(5), sent[0].ScheduledEnqueueTime);
        Assert.Equal("""{"name":"retry"}""", sent[0].Body.ToString());
        Assert.Equal(default, sent[1].ScheduledEnqueueTime);
    }

    [Fact]
    public async Task Unknown_queues_are_refused_and_send_failures_reach_the_caller()
    {
        var fakes = new FakeSenders { Failure = new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy) };
        var queue = new ServiceBusWorkQueue(fakes.Create, new FakeTimeProvider(Now));

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync("delivery", "{}", TimeSpan.Zero, CancellationToken.None));
        Assert.Empty(fakes.Opened);

        // A handler re-sending a retry must see the failure, so that it throws and its own
        // message is redelivered rather than completed with the retry lost.
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => queue.SendAsync(QueueNames.Fanout, "{}", TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(ServiceBusFailureReason.ServiceBusy, error.Reason);
    }

    [Fact]
    public async Task Disposing_the_queue_closes_its_senders_then_its_client()
    {
        var fakes = new FakeSenders();
        var client = new FakeClient(fakes);
        var queue = new ServiceBusWorkQueue(fakes.Create, new FakeTimeProvider(Now), client);
        await queue.SendAsync(QueueNames.Media, "{}", TimeSpan.Zero, CancellationToken.None);
        await queue.SendAsync(QueueNames.Pull, "{}", TimeSpan.Zero, CancellationToken.None);

        queue.Dispose();
        Assert.Equal(2, fakes.Disposed);
        Assert.Equal(2, client.SendersDisposedBefore);
    }

    private sealed class FakeClient(FakeSenders senders) : IAsyncDisposable
    {
        public int? SendersDisposedBefore { get; private set; }

        public ValueTask DisposeAsync()
        {
            SendersDisposedBefore = senders.Disposed;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void Options_come_from_the_identity_based_settings_or_a_connection_string()
    {
        var identity = Read(("ServiceBusConnection:fullyQualifiedNamespace", "social.servicebus.windows.net"), ("ServiceBusConnection:clientId", "client-1"), ("AZURE_CLIENT_ID", "client-2"));
        Assert.Equal(("social.servicebus.windows.net", null, "client-1"), (identity.FullyQualifiedNamespace, identity.ConnectionString, identity.ClientId));
        Assert.True(identity.Configured);

        Assert.Equal("client-2", Read(("ServiceBusConnection:fullyQualifiedNamespace", "social.servicebus.windows.net"), ("AZURE_CLIENT_ID", "client-2")).ClientId);
        Assert.Equal("social.servicebus.windows.net", Read(("ServiceBusConnection:fullyQualifiedNamespace", "sb://social.servicebus.windows.net/")).FullyQualifiedNamespace);

        const string ConnectionString = "Endpoint=sb://social.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5";
        var keyed = Read(("ServiceBusConnection", ConnectionString));
        Assert.Equal((null, ConnectionString), (keyed.FullyQualifiedNamespace, keyed.ConnectionString));
        Assert.False(Read().Configured);
        Assert.Throws<FormatException>(() => Read(("ServiceBusConnection:fullyQualifiedNamespace", "not a host")));
    }

    [Fact]
    public async Task Registration_makes_it_the_work_queue_with_real_senders_named_after_their_queues()
    {
        var services = new ServiceCollection();
        services.AddServiceBusWorkQueue(Read(("ServiceBusConnection:fullyQualifiedNamespace", "social.servicebus.windows.net")));
        using (var provider = services.BuildServiceProvider())
        {
            // Disposed synchronously, as some hosts and tests do: the queue must allow it.
            Assert.IsType<ServiceBusWorkQueue>(provider.GetRequiredService<IWorkQueue>());
        }

        await using var client = ServiceBusServiceCollectionExtensions.CreateClient(Read(("ServiceBusConnection:fullyQualifiedNamespace", "social.servicebus.windows.net")));
        Assert.Equal("social.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal(ServiceBusTransportType.AmqpTcp, client.TransportType);
        await using (var sender = new ServiceBusQueueSender(client.CreateSender(QueueNames.Deliver)))
        {
            Assert.Equal(QueueNames.Deliver, sender.QueueName);
        }

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddServiceBusWorkQueue(Read()));
        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    private static ServiceBusQueueOptions Read(params (string Key, string? Value)[] settings) =>
        ServiceBusQueueOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Build());

    /// <summary>Stands in for the SDK's senders: records what each queue's sender was given.</summary>
    private sealed class FakeSenders
    {
        private readonly ConcurrentQueue<string> _opened = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<ServiceBusMessage>> _sent = new(StringComparer.Ordinal);
        private int _disposed;

        public Exception? Failure { get; init; }

        public IReadOnlyList<string> Opened => [.. _opened];

        public int Disposed => _disposed;

        public IReadOnlyList<ServiceBusMessage> All => [.. _sent.Values.SelectMany(q => q)];

        public IReadOnlyList<ServiceBusMessage> Sent(string queue) => _sent.TryGetValue(queue, out var messages) ? [.. messages] : [];

        public IServiceBusQueueSender Create(string queue)
        {
            _opened.Enqueue(queue);
            return new Sender(this, queue);
        }

        private sealed class Sender(FakeSenders owner, string queue) : IServiceBusQueueSender
        {
            public string QueueName => queue;

            public async Task SendAsync(ServiceBusMessage message, CancellationToken cancellationToken)
            {
                await Task.Yield();
                if (owner.Failure is { } failure)
                {
                    throw failure;
                }

                owner._sent.GetOrAdd(queue, _ => new ConcurrentQueue<ServiceBusMessage>()).Enqueue(message);
            }

            public ValueTask DisposeAsync()
            {
                Interlocked.Increment(ref owner._disposed);
                return ValueTask.CompletedTask;
            }
        }
    }
}

public sealed record Probe(string Name);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Probe))]
public sealed partial class ProbeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
