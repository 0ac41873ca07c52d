namespace Serverless.Core.Follows;

/// <summary>
/// One follow edge, stored in both directions: partition <c>following:{follower}</c> with id
/// <c>{target}</c>, and partition <c>followers:{target}</c> with id <c>{follower}</c>.
/// </summary>
public sealed record FollowRecord
{
    public required string AccountId { get; init; }

    public required string TargetAccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool ShowReblogs { get; init; } = true;

    public bool Notify { get; init; }

    /// <summary>The follower's shared inbox (or inbox), for delivery fan-out; null for local followers.</summary>
    public string? InboxUrl { get; init; }

    public static string FollowingPartition(string accountId) => "following:" + accountId;

    public static string FollowersPartition(string accountId) => "followers:" + accountId;
}
