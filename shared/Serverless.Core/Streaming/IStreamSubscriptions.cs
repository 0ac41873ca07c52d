using System.Threading.Channels;

namespace Serverless.Core.Streaming;

/// <summary>
/// A publisher that connections on this machine can also subscribe to (the in-process hub). The
/// standalone host's <c>/api/v1/streaming</c> serves WebSockets only when the registered
/// <see cref="IStreamPublisher"/> is one; behind a hosted service the service holds the sockets.
/// </summary>
public interface IStreamSubscriptions
{
    IStreamSubscription Subscribe(IEnumerable<string> groups);
}

/// <summary>One reader's subscription to groups; dispose to leave them all.</summary>
public interface IStreamSubscription : IDisposable
{
    ChannelReader<StreamEvent> Reader { get; }

    IReadOnlyCollection<string> Groups { get; }

    void Add(string group);

    void Remove(string group);
}
