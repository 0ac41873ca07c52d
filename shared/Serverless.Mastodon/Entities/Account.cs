namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Account entity.</summary>
public record Account
{
    public required string Id { get; init; }
    public required string Username { get; init; }
    public required string Acct { get; init; }
    public required string DisplayName { get; init; }
    public bool Locked { get; init; }
    public bool Bot { get; init; }
    public bool? Discoverable { get; init; }
    public bool Indexable { get; init; }
    public bool Group { get; init; }
    public required string CreatedAt { get; init; }
    public required string Note { get; init; }
    public required string Url { get; init; }
    public required string Uri { get; init; }
    public required string Avatar { get; init; }
    public required string AvatarStatic { get; init; }
    public required string Header { get; init; }
    public required string HeaderStatic { get; init; }
    public long FollowersCount { get; init; }
    public long FollowingCount { get; init; }
    public long StatusesCount { get; init; }
    public string? LastStatusAt { get; init; }
    public bool HideCollections { get; init; }
    public bool Noindex { get; init; }
    public List<CustomEmoji> Emojis { get; init; } = [];
    public List<Field> Fields { get; init; } = [];
    public List<Role> Roles { get; init; } = [];

    /// <summary>The account this one moved to, one level deep; absent when it has not moved, as in Mastodon.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Account? Moved { get; init; }
}

/// <summary>The Account returned to its owner, with <c>source</c> and <c>role</c>.</summary>
public sealed record CredentialAccount : Account
{
    public required AccountSource Source { get; init; }
    public Role? Role { get; init; }
}

public sealed record AccountSource
{
    public required string Privacy { get; init; }
    public bool Sensitive { get; init; }
    public string? Language { get; init; }
    public required string Note { get; init; }
    public List<Field> Fields { get; init; } = [];
    public long FollowRequestsCount { get; init; }
    public bool HideCollections { get; init; }
    public bool Discoverable { get; init; }
    public bool Indexable { get; init; }
    public string QuotePolicy { get; init; } = "public";
}

public sealed record Field(string Name, string Value, string? VerifiedAt);

public sealed record CustomEmoji(string Shortcode, string Url, string StaticUrl, bool VisibleInPicker, string? Category);

public sealed record Role
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Permissions { get; init; }
    public string Color { get; init; } = "";
    public bool Highlighted { get; init; }
}
