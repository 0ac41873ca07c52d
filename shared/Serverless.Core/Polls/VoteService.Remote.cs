using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Interactions;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Polls;

/// <summary>
/// Votes from other servers: Mastodon sends one <c>Create Note</c> per chosen option, named after it,
/// in reply to the poll's status. Each counts once; an account counts once among the voters however
/// many options of a multiple-choice poll it picks.
/// </summary>
public sealed partial class VoteService
{
    /// <summary>
    /// Counts a remote account's vote for the option titled <paramref name="optionTitle"/> in the poll of
    /// a local status. Returns false when the vote cannot count (no such option, the poll has ended, a
    /// second choice in a single-choice poll) or was already counted.
    /// </summary>
    public async Task<bool> ReceiveRemoteVoteAsync(AccountRecord voter, StatusRecord status, string optionTitle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(voter);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(optionTitle);
        if (voter.IsLocal || !status.Local || status.PollId is not { } pollId || status.AccountId == voter.Id)
        {
            return false;
        }

        var poll = (await polls.GetAsync(pollId, cancellationToken))?.Value;
        var choice = poll?.Options.Select(o => o.Title).ToList().IndexOf(optionTitle) ?? -1;
        if (poll is null || choice < 0 || (poll.ExpiresAt is { } end && end <= time.GetUtcNow()))
        {
            return false;
        }

        for (var attempt = 0; attempt < MaxPatchAttempts; attempt++)
        {
            var doc = await store.ReadAsync(Containers.Interactions, voter.Id, InteractionKeys.Of(InteractionKeys.Vote, poll.Id), Json.StoreJsonContext.Default.InteractionRecord, cancellationToken);
            if (doc is null)
            {
                var vote = new InteractionRecord
                {
                    AccountId = voter.Id,
                    Kind = InteractionKeys.Vote,
                    TargetId = poll.Id,
                    Choices = [choice],
                    EntryId = ids.NextString(),
                    CreatedAt = time.GetUtcNow(),
                };
                if (!await interactions.TryCreateAsync(vote, cancellationToken))
                {
                    // Another option of the same voter arrived at the same time: add to that one.
                    continue;
                }

                try
                {
                    await CountAsync(poll.Id, [choice], newVoter: true, cancellationToken);
                }
                catch
                {
                    await interactions.RemoveAsync(voter.Id, InteractionKeys.Vote, poll.Id, CancellationToken.None);
                    throw;
                }

                try
                {
                    // Listed so that the poll's updated counts reach the voter's server too.
                    await interactions.AddEntryAsync(InteractionListings.PollVoters(poll.Id), vote.EntryId, new InteractionListEntry(voter.Id, poll.StatusId, vote.CreatedAt), cancellationToken);
                }
                catch (DocumentStoreException ex)
                {
                    LogVoterNotListed(logger, ex, poll.Id);
                }

                await SendTallyAsync(status, cancellationToken);
                return true;
            }

            var choices = doc.Value.Choices ?? [];
            if (choices.Contains(choice) || !poll.Multiple)
            {
                return false;
            }

            try
            {
                await store.ReplaceAsync(Containers.Interactions, voter.Id, doc.Id, doc.Value with { Choices = [.. choices, choice] }, Json.StoreJsonContext.Default.InteractionRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException)
            {
                continue;
            }

            await CountAsync(poll.Id, [choice], newVoter: false, cancellationToken);
            await SendTallyAsync(status, cancellationToken);
            return true;
        }

        throw new ValidationFailedException("The vote could not be recorded; try again");
    }
}
