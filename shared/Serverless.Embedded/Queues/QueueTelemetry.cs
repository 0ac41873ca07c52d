using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Embedded.Queues;

/// <summary>
/// Queue metrics and traces under the name <c>Serverless.Queues</c>, which OpenTelemetry picks up
/// with <c>AddMeter("Serverless.Queues")</c> and <c>AddSource("Serverless.Queues")</c>. Every
/// measurement carries the queue as <c>messaging.destination.name</c>.
/// </summary>
public sealed class QueueTelemetry : IDisposable
{
    public const string Name = "Serverless.Queues";

    /// <summary>The tag that names the queue on every measurement and activity.</summary>
    public const string QueueTag = "messaging.destination.name";

    /// <summary>One activity per handled message.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly bool _ownsMeter;

    public QueueTelemetry(IMeterFactory? meterFactory = null)
    {
        // A factory-made meter belongs to the DI container; otherwise this instance owns it.
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Handled = Meter.CreateCounter<long>("serverless.queue.messages.handled", "{message}", "Messages whose handler completed.");
        Failed = Meter.CreateCounter<long>("serverless.queue.messages.failed", "{message}", "Handler runs that threw; the message is retried or dead-lettered.");
        DeadLettered = Meter.CreateCounter<long>("serverless.queue.messages.dead_lettered", "{message}", "Messages moved to the dead-letter table.");
        Duration = Meter.CreateHistogram<double>("serverless.queue.handling.duration", "s", "Time spent in the handler per message.");
    }

    public Meter Meter { get; }

    public Counter<long> Handled { get; }

    public Counter<long> Failed { get; }

    public Counter<long> DeadLettered { get; }

    public Histogram<double> Duration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
