using System.Collections.Concurrent;
using System.Threading.Channels;
using Serverless.Core.Streaming;

namespace Serverless.Embedded.Streaming;

/// <summary>
/// Streaming on one machine: publishers fan an event out to the subscriptions of its group, each
/// a bounded channel that drops its oldest events when the reader falls behind, so a slow socket
/// costs a fixed amount of memory and never slows a publisher.
/// </summary>
public sealed class InProcessStreamHub : IStreamPublisher, IStreamSubscriptions
{
    public const int DefaultCapacity = 256;

    private static readonly StreamSubscription[] None = [];

    // Publishing reads a snapshot array without locking; subscribing swaps arrays under the lock.
    private readonly ConcurrentDictionary<string, StreamSubscription[]> _groups = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public InProcessStreamHub(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Events a subscription buffers before dropping the oldest.</summary>
    public int Capacity { get; }

    /// <summary>Subscribes to one group (such as <c>user:{id}</c> or <c>public:local</c>).</summary>
    public StreamSubscription Subscribe(string group) => Subscribe([group]);

    /// <summary>Subscribes one reader to several groups, as one Mastodon streaming connection may be.</summary>
    public StreamSubscription Subscribe(IEnumerable<string> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var subscription = new StreamSubscription(this, Capacity);
        foreach (var group in groups)
        {
            subscription.Add(group);
        }

        return subscription;
    }

    IStreamSubscription IStreamSubscriptions.Subscribe(IEnumerable<string> groups) => Subscribe(groups);

    /// <summary>How many subscriptions a group has now.</summary>
    public int SubscriberCount(string group) => _groups.TryGetValue(group, out var subscribers) ? subscribers.Length : 0;

    public Task PublishAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        if (_groups.TryGetValue(streamEvent.Group, out var subscribers))
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Deliver(streamEvent);
            }
        }

        return Task.CompletedTask;
    }

    internal void Join(string group, StreamSubscription subscription)
    {
        lock (_gate)
        {
            var current = _groups.GetValueOrDefault(group, None);
            if (Array.IndexOf(current, subscription) < 0)
            {
                _groups[group] = [.. current, subscription];
            }
        }
    }

    internal void Leave(string group, StreamSubscription subscription)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var current))
            {
                return;
            }

            var remaining = Array.FindAll(current, s => !ReferenceEquals(s, subscription));
            if (remaining.Length == 0)
            {
                _groups.TryRemove(group, out _);
            }
            else
            {
                _groups[group] = remaining;
            }
        }
    }
}

/// <summary>
/// One reader's subscription to one or more groups. Read events from <see cref="Reader"/>; add or
/// remove groups as the client asks; dispose to unsubscribe (the reader then completes).
/// </summary>
public sealed class StreamSubscription : IStreamSubscription
{
    private readonly InProcessStreamHub _hub;
    private readonly Channel<StreamEvent> _channel;
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private long _dropped;
    private bool _disposed;

    internal StreamSubscription(InProcessStreamHub hub, int capacity)
    {
        _hub = hub;
        _channel = Channel.CreateBounded<StreamEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<StreamEvent> Reader => _channel.Reader;

    /// <summary>Events dropped because the reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public IReadOnlyCollection<string> Groups
    {
        get
        {
            lock (_groups)
            {
                return [.. _groups];
            }
        }
    }

    public void Add(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        lock (_groups)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_groups.Add(group))
            {
                _hub.Join(group, this);
            }
        }
    }

    public void Remove(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_groups)
        {
            if (_groups.Remove(group))
            {
                _hub.Leave(group, this);
            }
        }
    }

    public void Dispose()
    {
        lock (_groups)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var group in _groups)
            {
                _hub.Leave(group, this);
            }

            _groups.Clear();
        }

        _channel.Writer.TryComplete();
    }

    internal void Deliver(StreamEvent streamEvent) => _channel.Writer.TryWrite(streamEvent);
}
