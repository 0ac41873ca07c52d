namespace Serverless.ActivityPub.Resolver;

/// <summary>A message on the <c>pull</c> queue: background fetching from remote servers.</summary>
/// <param name="Kind">What to fetch: <see cref="PullKinds"/>.</param>
/// <param name="Target">The account id (for an outbox backfill) or the object URI (for a status).</param>
public sealed record PullMessage(string Kind, string Target, int Attempt = 0);

public static class PullKinds
{
    /// <summary>The recent public posts of a newly discovered remote account, from its outbox.</summary>
    public const string Outbox = "outbox";

    /// <summary>One status (and its missing ancestors) by URI.</summary>
    public const string Status = "status";
}
