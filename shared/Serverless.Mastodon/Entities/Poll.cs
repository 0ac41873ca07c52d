namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Poll entity.</summary>
public sealed record Poll
{
    public required string Id { get; init; }
    public string? ExpiresAt { get; init; }
    public bool Expired { get; init; }
    public bool Multiple { get; init; }
    public long VotesCount { get; init; }
    public long? VotersCount { get; init; }
    public required List<PollOption> Options { get; init; }
    public List<CustomEmoji> Emojis { get; init; } = [];
    public bool? Voted { get; init; }
    public List<int>? OwnVotes { get; init; }
}

/// <summary><see cref="VotesCount"/> is null while results are hidden.</summary>
public sealed record PollOption(string Title, long? VotesCount);
