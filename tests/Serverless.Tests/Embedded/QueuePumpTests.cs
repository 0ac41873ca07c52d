using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Core.Configuration;
using Serverless.Core.Queues;
using Serverless.Embedded;
using Serverless.Embedded.Queues;

namespace Serverless.Tests.Embedded;

public sealed class QueuePumpTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _directory = new();
    private ServiceProvider? _services;
    private QueuePump? _pump;

    private static CancellationToken Ct => CancellationToken.None;

    private sealed class ScriptedHandler(string queue, Func<QueueMessage, CancellationToken, Task> handle) : IQueueHandler
    {
        public string Queue => queue;

        public Task HandleAsync(QueueMessage message, CancellationToken cancellationToken) => handle(message, cancellationToken);
    }

    /// <summary>Builds the adapters as the standalone host does, with quick retries for the tests.</summary>
    private SqliteWorkQueue Build(IQueueHandler handler, int maxDeliveryCount = 10, bool registerQueueHandlers = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new QueuePumpOptions
        {
            Queues = [handler.Queue, QueueNames.Pull],
            ConsumersPerQueue = 2,
            PollInterval = TimeSpan.FromMilliseconds(50),
            RetryBackoff = TimeSpan.FromMilliseconds(10),
            MaxRetryBackoff = TimeSpan.FromMilliseconds(50),
        });
        services.AddSingleton(new SqliteWorkQueueOptions { MaxDeliveryCount = maxDeliveryCount });
        services.AddSingleton(handler);
        if (registerQueueHandlers)
        {
            services.AddSingleton<QueueHandlers>();
        }

        services.AddEmbeddedAdapters(new InstanceOptions { LocalDomain = "pump.test", DataDirectory = _directory.Path });
        _services = services.BuildServiceProvider();
        _pump = _services.GetServices<IHostedService>().OfType<QueuePump>().Single();
        return _services.GetRequiredService<SqliteWorkQueue>();
    }

    private Task StartAsync() => _pump!.StartAsync(Ct);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_pump is not null)
        {
            await _pump.StopAsync(Ct);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_handler_that_throws_once_gets_the_message_again_and_then_succeeds()
    {
        var deliveries = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource<QueueMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = Build(new ScriptedHandler(QueueNames.Ingest, (message, _) =>
        {
            deliveries.Enqueue(message.DeliveryCount);
            if (message.DeliveryCount == 1)
            {
                throw new InvalidOperationException("transient failure");
            }

            done.TrySetResult(message);
            return Task.CompletedTask;
        }));
        await StartAsync();

        await queue.SendAsync(QueueNames.Ingest, """{"activity":"1"}""", TimeSpan.Zero, Ct);
        var handled = await done.Task.WaitAsync(Patience);

        Assert.Equal("""{"activity":"1"}""", handled.Body);
        Assert.Equal([1, 2], deliveries);
        await Eventually.TrueAsync(async () => (await queue.GetCountsAsync(null, Ct)).Pending == 0, Patience, "the message is completed");
        Assert.Equal(0, (await queue.GetCountsAsync(null, Ct)).DeadLettered);
    }

    [Fact]
    public async Task A_message_sent_before_the_pump_starts_is_handled_after_it_starts()
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = Build(new ScriptedHandler(QueueNames.Fanout, (message, _) =>
        {
            done.TrySetResult(message.Body);
            return Task.CompletedTask;
        }), registerQueueHandlers: true);
        await queue.SendAsync(QueueNames.Fanout, "early", TimeSpan.Zero, Ct);
        Assert.False(done.Task.IsCompleted);

        await StartAsync();
        Assert.Equal("early", await done.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_message_that_always_fails_is_dead_lettered_after_the_max_delivery_count()
    {
        var attempts = 0;
        var queue = Build(new ScriptedHandler(QueueNames.Deliver, (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new HttpRequestException("503 from the remote inbox");
        }), maxDeliveryCount: 3);
        await StartAsync();
        await queue.SendAsync(QueueNames.Deliver, "doomed", TimeSpan.Zero, Ct);

        await Eventually.TrueAsync(async () => (await queue.GetCountsAsync(null, Ct)).DeadLettered == 1, Patience, "the message is dead-lettered");
        var dead = Assert.Single(await queue.ListDeadLettersAsync(QueueNames.Deliver, 10, Ct));
        Assert.Equal(3, dead.DeliveryCount);
        Assert.Contains("503 from the remote inbox", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(0, (await queue.GetCountsAsync(null, Ct)).Pending);
    }

    [Fact]
    public async Task A_message_in_flight_at_shutdown_is_released_for_redelivery()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = Build(new ScriptedHandler(QueueNames.Media, async (_, cancellationToken) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }));
        await StartAsync();
        await queue.SendAsync(QueueNames.Media, "thumbnail", TimeSpan.Zero, Ct);
        await started.Task.WaitAsync(Patience);

        await _pump!.StopAsync(Ct);
        _pump = null;

        var pending = Assert.Single(await queue.ListPendingAsync(QueueNames.Media, 10, Ct));
        Assert.Equal("thumbnail", pending.Body);
        Assert.False(pending.Locked);
        Assert.Equal(0, pending.DeliveryCount);
        Assert.NotNull(await queue.ReceiveAsync(QueueNames.Media, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Handling_is_measured_per_queue_and_traced()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = Build(new ScriptedHandler(QueueNames.Pull, (_, _) =>
        {
            done.TrySetResult();
            return Task.CompletedTask;
        }));
        var telemetry = _services!.GetRequiredService<QueueTelemetry>();
        var measurements = new ConcurrentQueue<(string Instrument, object? Queue)>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, telemetry.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, QueueOf(tags))));
        meterListener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, QueueOf(tags))));
        meterListener.Start();
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == QueueTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);

        await StartAsync();
        await queue.SendAsync(QueueNames.Pull, "fetch", TimeSpan.Zero, Ct);
        await done.Task.WaitAsync(Patience);

        await Eventually.TrueAsync(
            () => Task.FromResult(measurements.Contains(("serverless.queue.messages.handled", QueueNames.Pull))),
            Patience, "the handled counter is recorded");
        Assert.Contains(("serverless.queue.handling.duration", (object?)QueueNames.Pull), measurements);
        await Eventually.TrueAsync(
            () => Task.FromResult(activities.Any(a => a.OperationName == $"process {QueueNames.Pull}" && Equals(a.GetTagItem(QueueTelemetry.QueueTag), QueueNames.Pull))),
            Patience, "an activity is recorded");
    }

    private static object? QueueOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == QueueTelemetry.QueueTag)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
