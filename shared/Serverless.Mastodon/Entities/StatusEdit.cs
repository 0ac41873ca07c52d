namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's StatusEdit entity: one version of a status, for <c>GET /api/v1/statuses/:id/history</c>.</summary>
public sealed record StatusEdit
{
    public required string Content { get; init; }
    public required string SpoilerText { get; init; }
    public bool Sensitive { get; init; }
    public required string CreatedAt { get; init; }
    public required Account Account { get; init; }
    public StatusEditPoll? Poll { get; init; }
    public List<MediaAttachment> MediaAttachments { get; init; } = [];
    public List<CustomEmoji> Emojis { get; init; } = [];
}

/// <summary>A version's poll: only the option titles, as Mastodon shows them.</summary>
public sealed record StatusEditPoll(List<StatusEditPollOption> Options);

public sealed record StatusEditPollOption(string Title);

/// <summary>Mastodon's StatusSource entity: the plain text of a status, for editing.</summary>
public sealed record StatusSource(string Id, string Text, string SpoilerText);

/// <summary>Mastodon's Context entity: the statuses above and below one in its thread.</summary>
public sealed record Context(List<Status> Ancestors, List<Status> Descendants);
