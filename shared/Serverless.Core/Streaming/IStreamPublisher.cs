namespace Serverless.Core.Streaming;

/// <summary>
/// The streaming port: publish one Mastodon streaming event to a group of connections.
/// Groups are <c>user:{accountId}</c>, <c>public</c>, <c>public:local</c>, <c>hashtag:{tag}</c>,
/// <c>list:{id}</c> and <c>direct:{accountId}</c>. In Azure this is a Web PubSub group send; on
/// one machine an in-process hub.
/// </summary>
public interface IStreamPublisher
{
    Task PublishAsync(StreamEvent streamEvent, CancellationToken cancellationToken);
}

/// <summary>
/// One event: <paramref name="Group"/> to send to, the Mastodon stream names the frame carries
/// (<c>["user"]</c>, <c>["hashtag","cats"]</c>), the event name (<c>update</c>, <c>delete</c>,
/// <c>notification</c>, <c>status.update</c>) and the payload (a JSON string for most events, a bare
/// id for <c>delete</c>, empty for <c>filters_changed</c>, which Mastodon sends without one).
/// </summary>
public sealed record StreamEvent(string Group, IReadOnlyList<string> Stream, string Event, string Payload)
{
    /// <summary>What the event is about, for per-connection filtering in process; not sent.</summary>
    public StreamSubject? Subject { get; init; }

    /// <summary>
    /// For a hosted service that cannot filter per connection (Web PubSub): accounts whose
    /// connections in the group must not get this event (they block, mute or hide it). Never set
    /// for the in-process hub, which filters each connection itself.
    /// </summary>
    public IReadOnlyCollection<string>? ExceptViewers { get; init; }

    /// <summary>For a hosted service: only this account's connections in the group get the event (their own copy, e.g. with <c>filtered</c>).</summary>
    public string? OnlyViewer { get; init; }
}
