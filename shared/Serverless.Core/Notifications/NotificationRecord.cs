namespace Serverless.Core.Notifications;

/// <summary>
/// One notification. Partition: the recipient's account id; id: the sortable notification id, so
/// that the list pages like a timeline.
/// </summary>
public sealed record NotificationRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    /// <summary>Mastodon's types: mention, status, reblog, follow, follow_request, favourite, poll, update.</summary>
    public required string Type { get; init; }

    public required string FromAccountId { get; init; }

    public string? StatusId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The key that grouped notifications (v2) fold on, e.g. <c>favourite-{statusId}</c>.</summary>
    public required string GroupKey { get; init; }
}

public static class NotificationTypes
{
    public const string Mention = "mention";
    public const string Status = "status";
    public const string Reblog = "reblog";
    public const string Follow = "follow";
    public const string FollowRequest = "follow_request";
    public const string Favourite = "favourite";
    public const string Poll = "poll";
    public const string Update = "update";

    public static readonly IReadOnlyList<string> All = [Mention, Status, Reblog, Follow, FollowRequest, Favourite, Poll, Update];
}
