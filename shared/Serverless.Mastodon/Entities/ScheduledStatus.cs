namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's ScheduledStatus entity.</summary>
public sealed record ScheduledStatus
{
    public required string Id { get; init; }
    public required string ScheduledAt { get; init; }
    public required ScheduledStatusParams Params { get; init; }
    public List<MediaAttachment> MediaAttachments { get; init; } = [];
}

/// <summary>The parameters the status will be posted with (<c>scheduled_at</c> is always null there, as in Mastodon).</summary>
public sealed record ScheduledStatusParams
{
    public required string Text { get; init; }
    public ScheduledStatusPoll? Poll { get; init; }
    public List<string>? MediaIds { get; init; }
    public bool? Sensitive { get; init; }
    public string? SpoilerText { get; init; }
    public required string Visibility { get; init; }
    public string? InReplyToId { get; init; }
    public string? Language { get; init; }
    public string? ScheduledAt { get; init; }
    public string? Idempotency { get; init; }
    public bool WithRateLimit { get; init; }
}

public sealed record ScheduledStatusPoll(List<string> Options, int ExpiresIn, bool Multiple, bool HideTotals);
