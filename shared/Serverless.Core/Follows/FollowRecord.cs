namespace Serverless.Core.Follows;

/// <summary>
/// One follow edge (or one pending follow request), stored in the <c>follows</c> container under
/// several partitions, one per access pattern:
/// <list type="bullet">
/// <item><c>following:{follower}</c>, id <c>{target}</c>: the edge itself, point-read by relationships and visibility checks.</item>
/// <item><c>followers:{target}</c>, id the sortable follow id: paged by fan-out and by the followers list, newest first.</item>
/// <item><c>following-list:{follower}</c>, id the sortable follow id: the following list, newest first.</item>
/// <item><c>requested:{follower}</c>, id <c>{target}</c>: a pending request (point reads).</item>
/// <item><c>follow-requests:{target}</c>, id the sortable request id: the target's pending requests, newest first.</item>
/// </list>
/// The copies are written by <see cref="FollowService"/> only, so that they change together.
/// </summary>
public sealed record FollowRecord
{
    /// <summary>
    /// The follow's (or request's) own Mastodon-style id: the position of the edge in lists and
    /// <c>Link</c> paging. Always set by <see cref="FollowService"/>; edges written without it are
    /// keyed by the follower's id in <c>followers:{target}</c>.
    /// </summary>
    public string? Id { get; init; }

    public required string AccountId { get; init; }

    public required string TargetAccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool ShowReblogs { get; init; } = true;

    public bool Notify { get; init; }

    /// <summary>Languages the follower wants from the target at home; null means all.</summary>
    public IReadOnlyList<string>? Languages { get; init; }

    /// <summary>The follow (or follow_request) notification it raised, dismissed when the edge goes, as Mastodon destroys it with the follow.</summary>
    public string? NotificationId { get; init; }

    /// <summary>The follower's shared inbox (or inbox), for delivery fan-out; null for local followers.</summary>
    public string? InboxUrl { get; init; }

    /// <summary>The ActivityPub id of the <c>Follow</c> behind a federated edge (ours or the remote follower's), which Accept, Reject and Undo refer to.</summary>
    public string? ActivityUri { get; init; }

    public static string FollowingPartition(string accountId) => "following:" + accountId;

    public static string FollowersPartition(string accountId) => "followers:" + accountId;

    public static string FollowingListPartition(string accountId) => "following-list:" + accountId;

    public static string RequestedPartition(string accountId) => "requested:" + accountId;

    public static string FollowRequestsPartition(string accountId) => "follow-requests:" + accountId;

    /// <summary>The document id of an edge in the time-ordered partitions.</summary>
    public static string ListId(FollowRecord edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return edge.Id is { } id ? Ids.SnowflakeIds.Sortable(id) : edge.AccountId;
    }
}
