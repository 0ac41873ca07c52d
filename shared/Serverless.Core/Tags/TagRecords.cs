namespace Serverless.Core.Tags;

/// <summary>
/// A followed hashtag, stored three times in the <c>follows</c> container: in
/// <c>followed-tags:{accountId}</c> with id = the sortable follow id (the newest-first list),
/// in <c>followed-tag:{accountId}</c> with id = the tag name (is it followed?), and in
/// <c>tag-followers:{name}</c> with id = the account id (whose home timelines a post reaches).
/// </summary>
public sealed record TagFollowRecord(string Id, string AccountId, string Name, DateTimeOffset CreatedAt)
{
    public static string ListPartition(string accountId) => "followed-tags:" + accountId;

    public static string LookupPartition(string accountId) => "followed-tag:" + accountId;

    public static string FollowersPartition(string name) => "tag-followers:" + name;
}

/// <summary>
/// A hashtag featured on a profile: partition <c>featured-tags:{accountId}</c> of <c>userdata</c>,
/// id = the sortable featured tag id. The counters are kept by fan-out as the account posts.
/// </summary>
public sealed record FeaturedTagRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string Name { get; init; }

    public long StatusesCount { get; init; }

    public DateTimeOffset? LastStatusAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public static string Partition(string accountId) => "featured-tags:" + accountId;
}
