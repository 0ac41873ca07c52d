using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Notification entity (v1).</summary>
public sealed record Notification
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string GroupKey { get; init; }
    public required string CreatedAt { get; init; }
    public required Account Account { get; init; }
    public Status? Status { get; init; }
}

/// <summary>The grouped notifications response (v2).</summary>
public sealed record GroupedNotificationsResults
{
    public required List<Account> Accounts { get; init; }
    public required List<Status> Statuses { get; init; }
    public required List<NotificationGroup> NotificationGroups { get; init; }
}

public sealed record NotificationGroup
{
    public required string GroupKey { get; init; }
    public int NotificationsCount { get; init; }
    public required string Type { get; init; }
    public required string MostRecentNotificationId { get; init; }
    public string? PageMinId { get; init; }
    public string? PageMaxId { get; init; }
    public string? LatestPageNotificationAt { get; init; }
    public required List<string> SampleAccountIds { get; init; }
    public string? StatusId { get; init; }
}

public sealed record UnreadCount(int Count);

/// <summary>Mastodon's List entity.</summary>
public sealed record MastodonList(string Id, string Title, string RepliesPolicy, bool Exclusive);

/// <summary>A read-position marker.</summary>
public sealed record Marker(string LastReadId, long Version, string UpdatedAt);

/// <summary>Mastodon's Conversation entity.</summary>
public sealed record Conversation(string Id, bool Unread, List<Account> Accounts, Status? LastStatus);

/// <summary>The hashtag entity as search and tag endpoints return it.</summary>
public sealed record TagEntity
{
    public required string Name { get; init; }
    public required string Url { get; init; }
    public List<TagHistory> History { get; init; } = [];
    public bool? Following { get; init; }
    public bool? Featuring { get; init; }
    public string? Id { get; init; }
}

public sealed record TagHistory(string Day, string Uses, string Accounts);

/// <summary>The v2 search results.</summary>
public sealed record SearchResults(List<Account> Accounts, List<Status> Statuses, List<TagEntity> Hashtags);

public sealed record ExtendedDescription(string? UpdatedAt, string Content);

/// <summary>An empty JSON object, for endpoints that answer <c>{}</c>.</summary>
public sealed record EmptyObject;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(List<Notification>))]
[JsonSerializable(typeof(GroupedNotificationsResults))]
[JsonSerializable(typeof(UnreadCount))]
[JsonSerializable(typeof(MastodonList))]
[JsonSerializable(typeof(List<MastodonList>))]
[JsonSerializable(typeof(Dictionary<string, Marker>))]
[JsonSerializable(typeof(List<Conversation>))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(SearchResults))]
[JsonSerializable(typeof(List<TagEntity>))]
[JsonSerializable(typeof(TagEntity))]
[JsonSerializable(typeof(ExtendedDescription))]
[JsonSerializable(typeof(EmptyObject))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<EmptyObject>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
public sealed partial class FeedsJsonContext : JsonSerializerContext;
