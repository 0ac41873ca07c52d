using System.Text.Json.Nodes;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Polls;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// Votes in local polls as remote servers send them: a <c>Create</c> of a Note whose <c>name</c> is one
/// of the poll's options, in reply to the poll's status (Mastodon's test too). Such a Note is a vote,
/// never a status.
/// </summary>
public sealed class PollVoteReceiver(StatusService statuses, PollService polls, VoteService votes)
{
    /// <summary>True when <paramref name="note"/> was a vote in a local poll (counted, or refused as not countable).</summary>
    public async Task<bool> TryReceiveAsync(JsonObject note, AccountRecord sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(sender);
        if (Ld.Type(note) != "Note" || Ld.String(note, "name") is not { Length: > 0 } name || Ld.Id(note, "inReplyTo") is not { } parentUri)
        {
            return false;
        }

        if (await statuses.FindByUriAsync(parentUri, cancellationToken) is not { Local: true, PollId: not null } status)
        {
            return false;
        }

        var poll = (await polls.GetAsync(status.PollId, cancellationToken))?.Value;
        if (poll is null || !poll.Options.Any(o => o.Title == name))
        {
            return false;
        }

        if (Ld.Id(note, "attributedTo") is { } author && author != sender.Uri)
        {
            throw new ForbiddenException("A vote must be the voter's own");
        }

        await votes.ReceiveRemoteVoteAsync(sender, status, name, cancellationToken);
        return true;
    }
}
