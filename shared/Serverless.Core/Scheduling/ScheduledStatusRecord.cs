using Serverless.Core.Polls;

namespace Serverless.Core.Scheduling;

/// <summary>
/// A status to be published later. Partition: the account id; id: the sortable scheduled status
/// id, so that an account's list pages by id. Its due time is also in the <see cref="DueIndex"/>.
/// </summary>
public sealed record ScheduledStatusRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required DateTimeOffset ScheduledAt { get; init; }

    public string Text { get; init; } = "";

    public required string Visibility { get; init; }

    public bool Sensitive { get; init; }

    public string? SpoilerText { get; init; }

    public string? Language { get; init; }

    public string? InReplyToId { get; init; }

    public IReadOnlyList<string> MediaIds { get; init; } = [];

    public PollRequest? Poll { get; init; }

    /// <summary>The client's <c>Idempotency-Key</c>, shown back in <c>params.idempotency</c>.</summary>
    public string? Idempotency { get; init; }

    /// <summary>
    /// The idempotency key the publisher posts with, so that publishing twice (a timer firing on two
    /// hosts, or a retry after a crash) yields one status.
    /// </summary>
    public required string PublishKey { get; init; }

    public string? ApplicationName { get; init; }

    public string? ApplicationWebsite { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
