using Serverless.Core.Accounts;
using Serverless.Core.Timelines;

namespace Serverless.Core.Streaming;

/// <summary>
/// What an event is about, for subscribers that filter per connection (mutes, blocks, domain
/// blocks, keyword filters) without parsing the payload: the status as rendered (with its author,
/// what it reblogs, media and poll), or the account a notification is from. In-process only: a
/// hosted service (Web PubSub) sends the frame as published.
/// </summary>
public sealed record StreamSubject
{
    public StatusView? Status { get; init; }

    /// <summary>For notifications: who did it.</summary>
    public AccountRecord? From { get; init; }
}
