using System.Globalization;
using Serverless.Core.Errors;
using Serverless.Core.Json;
using Serverless.Core.Scheduling;
using Serverless.Core.Storage;

namespace Serverless.Core.Polls;

/// <summary>A poll as a client asks for it (<c>poll[options][]</c>, <c>poll[expires_in]</c>, …).</summary>
public sealed record PollRequest(IReadOnlyList<string> Options, int ExpiresIn, bool Multiple, bool HideTotals);

/// <summary>Validates and stores polls. Voting is <see cref="VoteService"/>.</summary>
public sealed class PollService(IDocumentStore store, DueIndex due)
{
    /// <summary>Mastodon's limits, also advertised in the instance's <c>configuration.polls</c>.</summary>
    public const int MaxOptions = 4;

    public const int MaxCharactersPerOption = 50;

    public const int MinExpiration = 300;

    /// <summary>One month, as Rails counts it (30.436875 days).</summary>
    public const int MaxExpiration = 2_629_746;

    /// <summary>Checks a poll as Mastodon's poll validators do; throws 422 with Mastodon's messages.</summary>
    public static void Validate(PollRequest poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        var errors = new List<string>();
        if (poll.Options.Count < 2)
        {
            errors.Add("Poll options must have more than one item");
        }

        if (poll.Options.Count > MaxOptions)
        {
            errors.Add($"Poll options can't contain more than {MaxOptions} items");
        }

        if (poll.Options.Any(o => new StringInfo(o).LengthInTextElements > MaxCharactersPerOption))
        {
            errors.Add($"Poll options cannot be longer than {MaxCharactersPerOption} characters each");
        }

        if (poll.Options.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Poll options can't be blank");
        }

        if (poll.Options.Distinct(StringComparer.Ordinal).Count() != poll.Options.Count)
        {
            errors.Add("Poll options contain duplicate items");
        }

        if (poll.ExpiresIn > MaxExpiration)
        {
            errors.Add("Poll expires at is too far into the future");
        }

        if (poll.ExpiresIn < MinExpiration)
        {
            errors.Add("Poll expires at is too soon");
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException("Validation failed: " + string.Join(", ", errors));
        }
    }

    public static PollRecord Build(string pollId, string statusId, string accountId, PollRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PollRecord
        {
            Id = pollId,
            StatusId = statusId,
            AccountId = accountId,
            Options = request.Options.Select(o => new PollOptionRecord(o.Trim(), 0)).ToList(),
            Multiple = request.Multiple,
            HideTotals = request.HideTotals,
            ExpiresAt = now.AddSeconds(request.ExpiresIn),
            CreatedAt = now,
        };
    }

    /// <summary>Stores a new poll and schedules the notification of its end.</summary>
    public async Task CreateAsync(PollRecord poll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        await store.CreateAsync(Containers.Polls, poll.Id, poll.Id, poll, StoreJsonContext.Default.PollRecord, cancellationToken);
        await ScheduleEndAsync(poll, cancellationToken);
    }

    /// <summary>Changes the end and the hiding of totals of a poll whose options stay (an edit that keeps its votes).</summary>
    public async Task<PollRecord> ExtendAsync(PollRecord poll, PollRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(request);
        var updated = poll with { ExpiresAt = now.AddSeconds(request.ExpiresIn), HideTotals = request.HideTotals };
        await store.PatchAsync(
            Containers.Polls,
            poll.Id,
            poll.Id,
            [
                PatchOperation.Set("/expiresAt", System.Text.Json.Nodes.JsonValue.Create(updated.ExpiresAt)),
                PatchOperation.Set("/hideTotals", System.Text.Json.Nodes.JsonValue.Create(updated.HideTotals)),
            ],
            ifMatch: null,
            cancellationToken);
        await ScheduleEndAsync(updated, cancellationToken);
        return updated;
    }

    public async Task<StoredDocument<PollRecord>?> GetAsync(string pollId, CancellationToken cancellationToken)
    {
        if (!Ids.SnowflakeIds.TryParse(pollId, out _))
        {
            return null;
        }

        return await store.ReadAsync(Containers.Polls, pollId, pollId, StoreJsonContext.Default.PollRecord, cancellationToken);
    }

    /// <summary>True when the two requests ask for the same choices (an edit that changes them resets the votes).</summary>
    public static bool SameChoices(PollRecord poll, PollRequest request)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(request);
        return poll.Multiple == request.Multiple && poll.Options.Select(o => o.Title).SequenceEqual(request.Options.Select(o => o.Trim()), StringComparer.Ordinal);
    }

    private Task ScheduleEndAsync(PollRecord poll, CancellationToken cancellationToken) =>
        poll.ExpiresAt is { } end
            ? due.AddAsync(new DueEntry(DueKinds.PollEnd, poll.Id, poll.AccountId, end), cancellationToken)
            : Task.CompletedTask;
}
