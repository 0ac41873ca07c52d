namespace Serverless.Core.Accounts;

/// <summary>An account as stored: local (Domain null) or remote. Partition and id: the account id.</summary>
public sealed record AccountRecord
{
    public required string Id { get; init; }

    public required string Username { get; init; }

    /// <summary>Null for local accounts; the remote host otherwise.</summary>
    public string? Domain { get; init; }

    public string DisplayName { get; init; } = "";

    /// <summary>The profile bio as HTML.</summary>
    public string Note { get; init; } = "";

    /// <summary>The profile bio as the owner typed it.</summary>
    public string NoteSource { get; init; } = "";

    public bool Locked { get; init; }

    public bool Bot { get; init; }

    public bool Discoverable { get; init; } = true;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastStatusAt { get; init; }

    public long StatusesCount { get; init; }

    public long FollowersCount { get; init; }

    public long FollowingCount { get; init; }

    /// <summary>The ActivityPub id of the actor.</summary>
    public required string Uri { get; init; }

    /// <summary>The profile page.</summary>
    public required string Url { get; init; }

    public string? InboxUrl { get; init; }

    public string? SharedInboxUrl { get; init; }

    public string? PublicKeyPem { get; init; }

    /// <summary>The id of the remote actor's key (<c>…#main-key</c>, or a separate key document), which signatures name.</summary>
    public string? PublicKeyId { get; init; }

    /// <summary>When a remote account's actor document was last fetched; it is refreshed when stale or when its key fails.</summary>
    public DateTimeOffset? LastFetchedAt { get; init; }

    /// <summary>A remote actor's followers collection, so that statuses addressed to it can be told from direct ones.</summary>
    public string? FollowersUrl { get; init; }

    /// <summary>A remote actor's following collection, whose total is shown as its following count.</summary>
    public string? FollowingUrl { get; init; }

    /// <summary>A remote actor's outbox, read to backfill its recent posts when it is first seen.</summary>
    public string? OutboxUrl { get; init; }

    public string? AvatarUrl { get; init; }

    public string? HeaderUrl { get; init; }

    /// <summary>The media-store keys of an uploaded avatar and header, so that a replaced image can be deleted.</summary>
    public string? AvatarKey { get; init; }

    public string? HeaderKey { get; init; }

    /// <summary>Profile metadata (at most four for local accounts).</summary>
    public IReadOnlyList<AccountField> Fields { get; init; } = [];

    /// <summary>Whether public posts may be indexed by search; null follows <see cref="Discoverable"/>.</summary>
    public bool? Indexable { get; init; }

    public bool HideCollections { get; init; }

    /// <summary>The actor URIs this account is also known as (<c>alsoKnownAs</c>), which a <c>Move</c> to it requires.</summary>
    public IReadOnlyList<string> AlsoKnownAs { get; init; } = [];

    /// <summary>The account this one moved to (a received <c>Move</c>); its local followers were moved to that one.</summary>
    public string? MovedToAccountId { get; init; }

    /// <summary>When the account was suspended, or (remote) deleted by its own server; its statuses and follows are gone.</summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    /// <summary>When moderators limited (silenced) the account: hidden from public timelines and search to those not following it.</summary>
    public DateTimeOffset? SilencedAt { get; init; }

    /// <summary>When moderators forced the account's media to be marked sensitive (Mastodon's <c>sensitized_at</c>).</summary>
    public DateTimeOffset? SensitizedAt { get; init; }

    /// <summary>Pending follow requests to this account, for <c>source.follow_requests_count</c>.</summary>
    public long FollowRequestsCount { get; init; }

    public bool IsLocal => Domain is null;
}

/// <summary>A local user's private data. Partition and id: the account id.</summary>
public sealed record UserRecord
{
    public required string AccountId { get; init; }

    public required string Email { get; init; }

    public required string PasswordHash { get; init; }

    public UserRole Role { get; init; } = UserRole.User;

    /// <summary>False while the sign-up waits for a moderator (registrations mode "approval").</summary>
    public bool Approved { get; init; } = true;

    /// <summary>Moderators froze the login (Mastodon's <c>disabled</c>): sign-in and tokens are refused.</summary>
    public bool Disabled { get; init; }

    public string Locale { get; init; } = "en";

    public string? SignUpReason { get; init; }

    /// <summary>The RSA private key (PKCS#8 PEM) that signs this account's activities.</summary>
    public required string PrivateKeyPem { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string DefaultVisibility { get; init; } = "public";

    public bool DefaultSensitive { get; init; }

    public string? DefaultLanguage { get; init; }
}

public enum UserRole
{
    User,
    Moderator,
    Admin,
    Owner,
}

/// <summary>A unique key pointing at an id, e.g. <c>acct:alice</c> → account id. Partition and id: the key.</summary>
public sealed record LookupRecord(string Key, string TargetId);
