using System.Text.Json.Serialization;

namespace Serverless.LoadTests;

/// <summary>What the seeder built, written to <c>loadtest.json</c> in the data directory; the checks and the report read it.</summary>
internal sealed record SeedManifest
{
    public required string Domain { get; init; }

    public required int Statuses { get; init; }

    public required int Followed { get; init; }

    public required string ReaderId { get; init; }

    public required string ReaderUsername { get; init; }

    public required string PopularId { get; init; }

    public required string PopularUsername { get; init; }

    public required IReadOnlyList<string> AuthorUsernames { get; init; }

    /// <summary>The popular account's local followers (the authors).</summary>
    public required IReadOnlyList<string> FollowerIds { get; init; }

    public required IReadOnlyList<SampleFollower> SampleFollowers { get; init; }

    public long HomeEntries { get; init; }

    public long PublicEntries { get; init; }

    public long LocalEntries { get; init; }

    public double SeedSeconds { get; init; }

    public int Parallel { get; init; }

    public DateTimeOffset SeededAt { get; init; }

    public double HistoryDays { get; init; }

    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    public string Method { get; init; } = "";
}

/// <summary>A follower of the popular account with a read token, to see the fan-out through the API.</summary>
internal sealed record SampleFollower(string AccountId, string Username, string Token);

/// <summary>One fan-out latency measurement.</summary>
internal sealed record FanoutResult
{
    public required string StatusId { get; init; }

    public int HttpStatus { get; init; }

    /// <summary>From sending the POST to its response.</summary>
    public double PostMilliseconds { get; init; }

    public int Followers { get; init; }

    public int Reached { get; init; }

    /// <summary>From sending the POST until the first, the median and the last follower's home timeline had the status (store reads).</summary>
    public double? FirstMilliseconds { get; init; }

    public double? MedianMilliseconds { get; init; }

    public double? AllMilliseconds { get; init; }

    public int PollRounds { get; init; }

    public int ApiSampleChecked { get; init; }

    public int ApiSampleFound { get; init; }

    public double TimeoutSeconds { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SeedManifest))]
[JsonSerializable(typeof(FanoutResult))]
internal sealed partial class LoadTestJsonContext : JsonSerializerContext;
