using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Serverless.Azure.ServiceBus;
using Serverless.Core.Queues;
using Serverless.Functions.Queues;

namespace Serverless.Functions.Tests;

/// <summary>host.json's Service Bus settings, and how the queue functions live with them.</summary>
public sealed class QueueSettingsTests
{
    private static JsonObject HostJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "host.json")))!.AsObject();

    [Fact]
    public void Host_json_has_the_service_bus_settings_the_code_expects()
    {
        var serviceBus = HostJson()["extensions"]!["serviceBus"]!.AsObject();
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentCalls, (int)serviceBus["maxConcurrentCalls"]!);
        Assert.Equal(ServiceBusHostSettings.PrefetchCount, (int)serviceBus["prefetchCount"]!);
        Assert.Equal(ServiceBusHostSettings.AutoCompleteMessages, (bool)serviceBus["autoCompleteMessages"]!);
        Assert.Equal(ServiceBusHostSettings.MaxAutoLockRenewalDuration, TimeSpan.Parse((string)serviceBus["maxAutoLockRenewalDuration"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ServiceBusHostSettings.FunctionTimeout, TimeSpan.Parse((string)HostJson()["functionTimeout"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_settings_fit_together()
    {
        // A hung handler loses its lock (and the message is redelivered) before the host times it out.
        Assert.True(ServiceBusHostSettings.MaxAutoLockRenewalDuration < ServiceBusHostSettings.FunctionTimeout);
        // Settlement is the host's: the triggers auto-complete as host.json does.
        Assert.Equal(ServiceBusHostSettings.AutoCompleteMessages, new ServiceBusTriggerAttribute(QueueNames.Deliver).AutoCompleteMessages);
        Assert.InRange(ServiceBusHostSettings.MaxConcurrentMedia, 1, ServiceBusHostSettings.MaxConcurrentCalls - 1);
        // The triggers and the sender read the same connection settings.
        Assert.Equal(ServiceBusQueueOptions.ConnectionSetting, QueueFunctions.ConnectionSetting);
        // The standalone host's Service Bus processors receive as the Functions host does.
        var pump = new ServiceBusQueuePumpOptions();
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentCalls, pump.MaxConcurrentCallsPerQueue);
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentMedia, pump.MaxConcurrentMedia);
        Assert.Equal(ServiceBusHostSettings.MaxAutoLockRenewalDuration, pump.MaxAutoLockRenewalDuration);
    }

    [Fact]
    public void The_infrastructure_locks_messages_longer_than_a_delivery_may_take_and_renewal_covers_the_rest()
    {
        // Without prefetch, a message's lock starts when a handler takes it; renewal keeps it while the handler runs.
        var bicep = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "infra", "modules", "servicebus.bicep"));
        var lockDuration = System.Xml.XmlConvert.ToTimeSpan(System.Text.RegularExpressions.Regex.Match(bicep, @"lockDuration:\s*'([^']+)'").Groups[1].Value);
        Assert.InRange(lockDuration, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        Assert.True(ServiceBusHostSettings.MaxAutoLockRenewalDuration >= lockDuration);
        Assert.Equal(0, ServiceBusHostSettings.PrefetchCount);
    }

    [Fact]
    public async Task Media_messages_are_processed_at_most_MaxConcurrentMedia_at_a_time_and_other_queues_are_not_held()
    {
        var media = new BlockingHandler(QueueNames.Media);
        var deliver = new BlockingHandler(QueueNames.Deliver);
        var functions = new QueueFunctions(new QueueHandlers([media, deliver]));

        var mediaCalls = Enumerable.Range(0, ServiceBusHostSettings.MaxConcurrentMedia + 3)
            .Select(i => functions.Media($$"""{"mediaAttachmentId":"{{i}}"}""", new FakeFunctionContext($"m{i}")))
            .ToList();
        var deliverCalls = Enumerable.Range(0, ServiceBusHostSettings.MaxConcurrentMedia + 3)
            .Select(i => functions.Deliver("{}", new FakeFunctionContext($"d{i}")))
            .ToList();

        await media.WaitForRunningAsync(ServiceBusHostSettings.MaxConcurrentMedia);
        await deliver.WaitForRunningAsync(ServiceBusHostSettings.MaxConcurrentMedia + 3);
        await Task.Delay(200);
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentMedia, media.Running);

        media.Release();
        deliver.Release();
        await Task.WhenAll(mediaCalls.Concat(deliverCalls));
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentMedia, media.MostAtOnce);
        Assert.Equal(ServiceBusHostSettings.MaxConcurrentMedia + 3, media.Handled);
    }

    [Fact]
    public async Task A_failing_media_message_frees_its_slot_and_reaches_the_host_as_a_failure()
    {
        var functions = new QueueFunctions(new QueueHandlers([new FailingHandler(QueueNames.Media)]));
        for (var i = 0; i < ServiceBusHostSettings.MaxConcurrentMedia + 2; i++)
        {
            // A leaked slot would make the fifth call wait for ever: it would time out instead.
            await Assert.ThrowsAsync<InvalidOperationException>(() => functions.Media("{}", new FakeFunctionContext($"f{i}")).WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    private sealed class FailingHandler(string queue) : IQueueHandler
    {
        public string Queue => queue;

        public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    private sealed class BlockingHandler(string queue) : IQueueHandler
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private int _running;

        public string Queue => queue;

        public int Running
        {
            get
            {
                lock (_gate)
                {
                    return _running;
                }
            }
        }

        public int MostAtOnce { get; private set; }

        public int Handled { get; private set; }

        public void Release() => _release.TrySetResult();

        public async Task WaitForRunningAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Running < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Running} of {count} {queue} messages started");
                await Task.Delay(10);
            }
        }

        public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _running++;
                MostAtOnce = Math.Max(MostAtOnce, _running);
            }

            await _release.Task;
            lock (_gate)
            {
                _running--;
                Handled++;
            }
        }
    }

    /// <summary>Just what the queue functions read: an invocation id, binding data and a cancellation token.</summary>
    private sealed class FakeFunctionContext(string invocationId) : FunctionContext
    {
        public override string InvocationId => invocationId;

        public override string FunctionId => "test";

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext { get; } = new FakeBindingContext();

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();

        public override CancellationToken CancellationToken => CancellationToken.None;

        private sealed class FakeBindingContext : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData { get; } = new Dictionary<string, object?> { ["DeliveryCount"] = 1 };
        }
    }
}
