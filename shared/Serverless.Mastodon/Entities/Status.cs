namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Status entity.</summary>
public sealed record Status
{
    public required string Id { get; init; }
    public required string Uri { get; init; }
    public string? Url { get; init; }
    public required string CreatedAt { get; init; }
    public required Account Account { get; init; }
    public required string Content { get; init; }
    public required string Visibility { get; init; }
    public bool Sensitive { get; init; }
    public required string SpoilerText { get; init; }
    public List<MediaAttachment> MediaAttachments { get; init; } = [];
    public StatusApplication? Application { get; init; }
    public List<Mention> Mentions { get; init; } = [];
    public List<Tag> Tags { get; init; } = [];
    public List<CustomEmoji> Emojis { get; init; } = [];
    public long ReblogsCount { get; init; }
    public long FavouritesCount { get; init; }
    public long RepliesCount { get; init; }
    public long QuotesCount { get; init; }
    public string? InReplyToId { get; init; }
    public string? InReplyToAccountId { get; init; }
    public Status? Reblog { get; init; }
    public Poll? Poll { get; init; }
    public PreviewCard? Card { get; init; }
    public string? Language { get; init; }
    public string? Text { get; init; }
    public string? EditedAt { get; init; }
    public bool? Favourited { get; init; }
    public bool? Reblogged { get; init; }
    public bool? Muted { get; init; }
    public bool? Bookmarked { get; init; }
    public bool? Pinned { get; init; }
    public List<FilterResult>? Filtered { get; init; }

    /// <summary>The viewer-independent entity this one was made from, whose JSON <see cref="Rendering.StatusJsonWriter"/> caches; never serialised.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal Status? Base { get; init; }
}

public sealed record StatusApplication(string Name, string? Website);

public sealed record Mention(string Id, string Username, string Url, string Acct);

public sealed record Tag(string Name, string Url);

/// <summary>A link preview (Mastodon's PreviewCard). Link cards are fetched by the <c>pull</c> queue once federation lands; until then statuses carry none.</summary>
public sealed record PreviewCard
{
    public required string Url { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public string Type { get; init; } = "link";
    public string AuthorName { get; init; } = "";
    public string AuthorUrl { get; init; } = "";
    public string ProviderName { get; init; } = "";
    public string ProviderUrl { get; init; } = "";
    public string Html { get; init; } = "";
    public int Width { get; init; }
    public int Height { get; init; }
    public string? Image { get; init; }
    public string? EmbedUrl { get; init; }
    public string? Blurhash { get; init; }
}

/// <summary>Why a status matched one of the viewer's filters (Mastodon's FilterResult).</summary>
public sealed record FilterResult(FilterSummary Filter, List<string>? KeywordMatches, List<string>? StatusMatches);

/// <summary>The filter part of a <see cref="FilterResult"/>.</summary>
public sealed record FilterSummary(string Id, string Title, List<string> Context, string? ExpiresAt, string FilterAction);
