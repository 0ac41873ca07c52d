using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Notifications;
using Serverless.Core.Scheduling;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Polls;

/// <summary>
/// Votes in polls. A vote is an interaction record (<c>vote:{pollId}</c> in the voter's partition),
/// created first so that one account votes once; the poll's counters then move in one atomic
/// patch, conditional on the poll's ETag and retried when another vote got there first.
/// </summary>
public sealed partial class VoteService(
    IDocumentStore store,
    PollService polls,
    StatusService statuses,
    InteractionStore interactions,
    AccountService accounts,
    NotificationService notifications,
    SnowflakeIds ids,
    TimeProvider time,
    Federation.IFederationOutbox outbox,
    ILogger<VoteService> logger)
{
    /// <summary>Voters told of a poll's end (Mastodon tells them all, in batches).</summary>
    public const int MaxEndNotifications = 1000;

    private const int MaxPatchAttempts = 8;

    /// <summary>A poll whose status the viewer may see, with the viewer's own votes; 404 otherwise.</summary>
    public async Task<(PollRecord Poll, IReadOnlyList<int>? OwnVotes)> GetAsync(string pollId, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        var (poll, _) = await VisibleAsync(pollId, viewer, cancellationToken);
        var own = viewer is null ? null : (await interactions.GetAsync(viewer.Id, InteractionKeys.Vote, poll.Id, cancellationToken))?.Choices;
        return (poll, own);
    }

    /// <summary>
    /// Votes, with Mastodon's rules: the poll must be open and not the voter's own; choices must
    /// exist; a single-choice poll takes one choice; nobody votes twice (422 for each).
    /// </summary>
    public async Task<(PollRecord Poll, IReadOnlyList<int> OwnVotes)> VoteAsync(AccountRecord voter, string pollId, IReadOnlyList<int> choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(voter);
        ArgumentNullException.ThrowIfNull(choices);
        var (poll, _) = await VisibleAsync(pollId, voter, cancellationToken);
        var errors = new List<string>();
        if (poll.ExpiresAt is { } end && end <= time.GetUtcNow())
        {
            errors.Add("The poll has already ended");
        }

        if (choices.Any(c => c < 0 || c >= poll.Options.Count))
        {
            errors.Add("The chosen vote option does not exist");
        }

        if (poll.AccountId == voter.Id)
        {
            errors.Add("You cannot vote in your own polls");
        }

        if ((!poll.Multiple && choices.Count > 1) || choices.Distinct().Count() != choices.Count)
        {
            errors.Add("You have already voted on this poll");
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException("Validation failed: " + string.Join(", ", errors));
        }

        var now = time.GetUtcNow();
        var vote = new InteractionRecord
        {
            AccountId = voter.Id,
            Kind = InteractionKeys.Vote,
            TargetId = poll.Id,
            Choices = choices.ToList(),
            EntryId = ids.NextString(),
            CreatedAt = now,
        };
        if (!await interactions.TryCreateAsync(vote, cancellationToken))
        {
            throw new ValidationFailedException("Validation failed: You have already voted on this poll");
        }

        try
        {
            poll = await CountAsync(poll.Id, choices, newVoter: true, cancellationToken);
        }
        catch
        {
            await interactions.RemoveAsync(voter.Id, InteractionKeys.Vote, poll.Id, CancellationToken.None);
            throw;
        }

        try
        {
            await interactions.AddEntryAsync(InteractionListings.PollVoters(poll.Id), vote.EntryId, new InteractionListEntry(voter.Id, poll.StatusId, now), cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            // Only the end-of-poll notification depends on it.
            LogVoterNotListed(logger, ex, poll.Id);
        }

        var pollStatus = await statuses.GetAsync(poll.StatusId, cancellationToken);
        if (pollStatus is { Local: false } remote)
        {
            await outbox.VoteAsync(voter, remote, vote.Choices.Select(i => poll.Options[i].Title).ToList(), cancellationToken);
        }
        else if (pollStatus is not null)
        {
            await SendTallyAsync(pollStatus, cancellationToken);
        }

        return (poll, vote.Choices);
    }

    /// <summary>
    /// Tells the local voters (and the author) that a poll has ended, when the due entry still
    /// matches the poll (an edit may have moved its end or replaced it).
    /// </summary>
    public async Task NotifyEndedAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var poll = (await polls.GetAsync(entry.TargetId, cancellationToken))?.Value;
        if (poll?.ExpiresAt is not { } end || Math.Abs((end - entry.DueAt).TotalSeconds) >= 1)
        {
            return;
        }

        var status = await statuses.GetAsync(poll.StatusId, cancellationToken);
        if (status is null || status.PollId != poll.Id)
        {
            return;
        }

        var voters = await interactions.PageAsync(InteractionListings.PollVoters(poll.Id), new PageRequest(null, null, null, MaxEndNotifications), cancellationToken);
        var local = await accounts.GetManyAsync(voters.Select(v => v.Entry.AccountId), cancellationToken);
        foreach (var account in local.Where(a => a.IsLocal))
        {
            await notifications.NotifyAsync(account.Id, NotificationTypes.Poll, poll.AccountId, status.Id, cancellationToken);
        }

        if (status.Local)
        {
            await notifications.NotifyAsync(poll.AccountId, NotificationTypes.Poll, poll.AccountId, status.Id, cancellationToken);
            await SendTallyAsync(status, cancellationToken);
        }
    }

    private async Task<(PollRecord Poll, StatusRecord Status)> VisibleAsync(string pollId, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        var poll = (await polls.GetAsync(pollId, cancellationToken))?.Value ?? throw new RecordNotFoundException();
        var status = await statuses.GetVisibleAsync(poll.StatusId, viewer, cancellationToken);
        return status is not null && status.PollId == poll.Id ? (poll, status) : throw new RecordNotFoundException();
    }

    /// <summary>Adds the choices (and, for a <paramref name="newVoter"/>, one voter) to the counters in one conditional patch, re-reading on a conflict.</summary>
    private async Task<PollRecord> CountAsync(string pollId, IReadOnlyList<int> choices, bool newVoter, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var doc = await polls.GetAsync(pollId, cancellationToken) ?? throw new RecordNotFoundException();
            var poll = doc.Value;
            List<PatchOperation> ops = [PatchOperation.Increment("/votesCount", choices.Count), PatchOperation.Increment("/votersCount", newVoter ? 1 : 0)];
            ops.AddRange(choices.Select(c => PatchOperation.Increment($"/options/{c}/votesCount", 1)));
            try
            {
                await store.PatchAsync(Containers.Polls, pollId, pollId, ops, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < MaxPatchAttempts)
            {
                // Another vote changed the poll in between: read it again and retry.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
                continue;
            }

            return poll with
            {
                VotesCount = poll.VotesCount + choices.Count,
                VotersCount = poll.VotersCount + (newVoter ? 1 : 0),
                Options = poll.Options.Select((o, i) => o with { VotesCount = o.VotesCount + choices.Count(c => c == i) }).ToList(),
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A voter of poll {PollId} was not listed for its end notification")]
    private static partial void LogVoterNotListed(ILogger logger, Exception exception, string pollId);
}
