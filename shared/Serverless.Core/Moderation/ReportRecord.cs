namespace Serverless.Core.Moderation;

/// <summary>
/// A report of an account (and some of its statuses) to this instance's moderators, in the <c>reports</c>
/// container: pk = id = the report id, and a copy in pk <see cref="IndexPartition"/> with the sortable
/// report id, so that moderators list reports newest first in one single-partition read.
/// Made by local users (<c>POST /api/v1/reports</c>) and from remote servers' <c>Flag</c>s.
/// </summary>
public sealed record ReportRecord
{
    public const string IndexPartition = "index";

    /// <summary>Mastodon's cap on a report's comment.</summary>
    public const int MaxCommentLength = 5000;

    public required string Id { get; init; }

    /// <summary>Who reported: for a <c>Flag</c>, the remote actor (usually its instance actor).</summary>
    public required string AccountId { get; init; }

    /// <summary>The reported account.</summary>
    public required string TargetAccountId { get; init; }

    public IReadOnlyList<string> StatusIds { get; init; } = [];

    public string Comment { get; init; } = "";

    /// <summary>Mastodon's categories: <c>spam</c>, <c>legal</c>, <c>violation</c>, <c>other</c>.</summary>
    public string Category { get; init; } = "other";

    public IReadOnlyList<string> RuleIds { get; init; } = [];

    /// <summary>The <c>Flag</c>'s ActivityPub id, for a report that came from another server.</summary>
    public string? Uri { get; init; }

    /// <summary>Whether the report was forwarded to the reported account's server.</summary>
    public bool Forwarded { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ActionTakenAt { get; init; }

    /// <summary>Whether moderators resolved it: a plain field, so that lists filter on it in one query.</summary>
    public bool ActionTaken { get; init; }

    public string? ActionTakenByAccountId { get; init; }

    public string? AssignedAccountId { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}
