namespace Serverless.Core.Statuses;

/// <summary>A status as stored. Partition and id: the status id.</summary>
public sealed record StatusRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    /// <summary>The ActivityPub id.</summary>
    public required string Uri { get; init; }

    public required string Url { get; init; }

    /// <summary>The text as written (for editing and the <c>source</c> endpoint).</summary>
    public string Text { get; init; } = "";

    /// <summary>The rendered HTML.</summary>
    public string Content { get; init; } = "";

    public string SpoilerText { get; init; } = "";

    public bool Sensitive { get; init; }

    public required string Visibility { get; init; }

    public string? Language { get; init; }

    public string? InReplyToId { get; init; }

    public string? InReplyToAccountId { get; init; }

    public string? ReblogOfId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? EditedAt { get; init; }

    public string? ApplicationName { get; init; }

    public string? ApplicationWebsite { get; init; }

    public bool Local { get; init; } = true;

    public long RepliesCount { get; init; }

    public long ReblogsCount { get; init; }

    public long FavouritesCount { get; init; }

    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Attached media, in display order.</summary>
    public IReadOnlyList<string> MediaIds { get; init; } = [];

    public IReadOnlyList<MentionRecord> Mentions { get; init; } = [];

    /// <summary>Hashtag names, lower-cased.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? PollId { get; init; }

    /// <summary>The root of the thread, for muting conversations and direct-message conversations.</summary>
    public string? ConversationId { get; init; }
}

/// <summary>An account mentioned by a status, denormalised so that rendering needs no extra read.</summary>
public sealed record MentionRecord(string AccountId, string Username, string Acct, string Url);

/// <summary>Mastodon's four visibilities.</summary>
public static class Visibility
{
    public const string Public = "public";
    public const string Unlisted = "unlisted";
    public const string Private = "private";
    public const string Direct = "direct";

    public static bool IsValid(string? value) => value is Public or Unlisted or Private or Direct;
}
