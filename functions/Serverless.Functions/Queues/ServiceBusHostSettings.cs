namespace Serverless.Functions.Queues;

/// <summary>
/// The <c>extensions.serviceBus</c> settings in host.json, which the Functions host applies to
/// every Service Bus trigger alike, and why they suit our five queues together. A test holds
/// host.json to these values.
/// </summary>
/// <remarks>
/// <para>The work: <c>deliver</c> is one signed POST (I/O, up to the delivery timeout),
/// <c>ingest</c> and <c>pull</c> a few storage calls and remote fetches (I/O), <c>fanout</c> a
/// page of timeline writes (storage, throttled by Cosmos DB request units rather than by the
/// worker), <c>media</c> an image decode and re-encode (CPU and up to ~200 MB of memory for the
/// largest image Mastodon accepts).</para>
/// <para><see cref="MaxConcurrentCalls"/> = 16: four of the five queues wait on the network, so
/// one instance can overlap many messages cheaply (Flex Consumption bills instance memory by
/// the second, and scales each queue's function out by its backlog divided by this number). The
/// one queue that this would overload, <c>media</c>, is held to <see cref="MaxConcurrentMedia"/>
/// per instance by <see cref="QueueFunctions"/> itself.</para>
/// <para><see cref="PrefetchCount"/> = 0: a prefetched message's lock runs from the moment it is
/// prefetched and is not renewed until a handler takes it; with one-minute locks (Bicep) and
/// deliveries that may take tens of seconds, prefetched messages would lose their locks, come
/// back with a higher delivery count and eventually dead-letter for nothing.</para>
/// <para><see cref="AutoCompleteMessages"/> = true: the hand-declared trigger cannot settle
/// messages itself (no <c>ServiceBusMessageActions</c> without the worker extension), and our
/// handlers are written for it: returning completes, throwing redelivers, and a later retry is
/// a new scheduled message (see <see cref="Serverless.Core.Queues.IQueueHandler"/>).</para>
/// <para><see cref="MaxAutoLockRenewalDuration"/> = 5 minutes: the lock is renewed while a
/// handler runs, up to well beyond any handler's normal time (a delivery, a fanout page, a large
/// image), and below <see cref="FunctionTimeout"/>, so that a handler that hangs loses its lock
/// and the message is redelivered (handlers are idempotent) before the host gives up on it.</para>
/// </remarks>
public static class ServiceBusHostSettings
{
    public const int MaxConcurrentCalls = 16;

    public const int PrefetchCount = 0;

    public const bool AutoCompleteMessages = true;

    public static readonly TimeSpan MaxAutoLockRenewalDuration = TimeSpan.FromMinutes(5);

    /// <summary>host.json's <c>functionTimeout</c>.</summary>
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Media messages processed at once per instance: four of the largest images (~200 MB each
    /// decoded and resized) fit in a 2 GB Flex Consumption instance beside the worker itself.
    /// </summary>
    public const int MaxConcurrentMedia = 4;
}
