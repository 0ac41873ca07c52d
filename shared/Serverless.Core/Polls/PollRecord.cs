namespace Serverless.Core.Polls;

/// <summary>A poll attached to a status. Partition and id: the poll id. Votes are counted with atomic patches.</summary>
public sealed record PollRecord
{
    public required string Id { get; init; }

    public required string StatusId { get; init; }

    public required string AccountId { get; init; }

    public required IReadOnlyList<PollOptionRecord> Options { get; init; }

    public bool Multiple { get; init; }

    public bool HideTotals { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public long VotesCount { get; init; }

    public long VotersCount { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

public sealed record PollOptionRecord(string Title, long VotesCount);
