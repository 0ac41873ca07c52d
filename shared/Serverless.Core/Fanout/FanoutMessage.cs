namespace Serverless.Core.Fanout;

/// <summary>
/// A message on the <c>fanout</c> queue: one event of one status, and where the paging through
/// followers has got to. Small by design: the status itself is read from storage.
/// </summary>
/// <param name="Event">What happened: <see cref="FanoutEvents"/>.</param>
/// <param name="StatusId">The status concerned.</param>
/// <param name="FollowersContinuation">Null for the first page; the token of the next follower page otherwise.</param>
/// <param name="Attempt">How many times this step has been re-sent after a failure.</param>
public sealed record FanoutMessage(string Event, string StatusId, string? FollowersContinuation = null, int Attempt = 0);

public static class FanoutEvents
{
    public const string Create = "create";

    /// <summary>Removes a deleted status from every timeline it was put on.</summary>
    public const string Delete = "delete";
}
