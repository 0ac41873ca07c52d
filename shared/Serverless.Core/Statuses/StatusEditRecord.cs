namespace Serverless.Core.Statuses;

/// <summary>
/// One version of an edited status, in the <c>status_edits</c> container (partition: the status id;
/// id: the sortable edit id, so the history reads oldest first). The first edit also stores the
/// original version, as Mastodon does.
/// </summary>
public sealed record StatusEditRecord
{
    public required string Id { get; init; }

    public required string StatusId { get; init; }

    public required string AccountId { get; init; }

    public string Text { get; init; } = "";

    public string Content { get; init; } = "";

    public string SpoilerText { get; init; } = "";

    public bool Sensitive { get; init; }

    public string? Language { get; init; }

    public IReadOnlyList<string> MediaIds { get; init; } = [];

    /// <summary>The poll's option titles in that version; null when it had no poll.</summary>
    public IReadOnlyList<string>? PollOptions { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
