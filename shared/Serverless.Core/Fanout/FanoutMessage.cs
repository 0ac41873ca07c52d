namespace Serverless.Core.Fanout;

/// <summary>
/// A message on the <c>fanout</c> queue: one event of one status, and where the paging through
/// followers has got to. Small by design: the status itself is read from storage.
/// </summary>
/// <param name="Event">What happened: <see cref="FanoutEvents"/>.</param>
/// <param name="StatusId">The status concerned.</param>
/// <param name="FollowersContinuation">Null for the first page; the token of the next follower page otherwise.</param>
/// <param name="Attempt">How many times this step has been re-sent after a failure.</param>
/// <param name="ActivityId">For <see cref="FanoutEvents.Distribute"/>: the stored activity to deliver to the followers of <paramref name="AccountId"/>.</param>
/// <param name="AccountId">For <see cref="FanoutEvents.Distribute"/>: the local account whose remote followers receive the activity.</param>
/// <param name="Tag">For the hashtag followers' step (<see cref="Tags.TagFanout"/>): the tag whose followers are paged.</param>
public sealed record FanoutMessage(string Event, string StatusId, string? FollowersContinuation = null, int Attempt = 0, string? ActivityId = null, string? AccountId = null, string? Tag = null);

public static class FanoutEvents
{
    public const string Create = "create";

    /// <summary>Removes a deleted status from every timeline it was put on.</summary>
    public const string Delete = "delete";

    /// <summary>A local status was edited: remote servers get an <c>Update</c> (timelines hold ids, so they need nothing).</summary>
    public const string Update = "update";

    /// <summary>A stored activity that is not about one status (a profile update) goes to every remote follower of an account.</summary>
    public const string Distribute = "distribute";
}
