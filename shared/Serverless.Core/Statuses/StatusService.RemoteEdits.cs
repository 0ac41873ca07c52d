using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>Edits that arrive from other servers (<c>Update</c> of a Note or Question), kept with the same history as local edits.</summary>
public sealed partial class StatusService
{
    /// <summary>
    /// The new state of a remote status as its server describes it: already sanitised, with mentions
    /// resolved and attachments and poll built (fresh ids; known attachments and an unchanged poll keep theirs).
    /// </summary>
    public sealed record RemoteEdit
    {
        public required string Text { get; init; }

        public required string Content { get; init; }

        public string SpoilerText { get; init; } = "";

        public bool Sensitive { get; init; }

        public string? Language { get; init; }

        public IReadOnlyList<MediaAttachmentRecord> Attachments { get; init; } = [];

        public PollRecord? Poll { get; init; }

        public IReadOnlyList<MentionRecord> Mentions { get; init; } = [];

        public IReadOnlyList<string> Tags { get; init; } = [];

        /// <summary>The object's <c>updated</c> time, if it has one.</summary>
        public DateTimeOffset? EditedAt { get; init; }
    }

    /// <summary>
    /// Applies an edit received from the status's own server, as Mastodon does: an older update than
    /// the last one applied is ignored; a significant change (text, content warning, media, poll
    /// choices) becomes a new version in the history (the first also records the original) and sets
    /// <see cref="StatusRecord.EditedAt"/>; anything else (a poll's tallies, sensitivity, language,
    /// tags) is updated in place without a version. Newly mentioned local accounts are notified, and
    /// local rebloggers get Mastodon's <c>update</c> notification. Returns the status as stored.
    /// </summary>
    public async Task<StatusRecord?> EditRemoteAsync(StatusRecord status, RemoteEdit edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(edit);
        for (var attempt = 0; ; attempt++)
        {
            var doc = await store.ReadAsync(Containers.Statuses, status.Id, status.Id, StoreJsonContext.Default.StatusRecord, cancellationToken);
            if (doc?.Value is not { DeletedAt: null, ReblogOfId: null, Local: false } old || old.AccountId != status.AccountId)
            {
                return null;
            }

            if (old.EditedAt is { } applied && edit.EditedAt is { } incoming && applied > incoming)
            {
                return old;
            }

            // Attachments already known (by URL) keep their ids, so that the history's versions share them.
            var previousMedia = await MediaOfAsync(old.MediaIds, cancellationToken);
            var attachments = edit.Attachments
                .Select(a => previousMedia.FirstOrDefault(p => p.RemoteUrl is not null && p.RemoteUrl == a.RemoteUrl) is { } known ? a with { Id = known.Id, CreatedAt = known.CreatedAt } : a)
                .ToList();
            var mediaChanged = !attachments.Select(a => a.Id).SequenceEqual(old.MediaIds, StringComparer.Ordinal)
                || attachments.Any(a => previousMedia.FirstOrDefault(p => p.Id == a.Id) is { } p && p.Description != a.Description);

            // Same choices: only the tallies (and end) change, the poll and its votes stay. Other choices are a new poll.
            var oldPoll = old.PollId is null ? null : (await polls.GetAsync(old.PollId, cancellationToken))?.Value;
            var poll = edit.Poll;
            var pollChanged = false;
            if (poll is not null && oldPoll is not null && oldPoll.Multiple == poll.Multiple
                && oldPoll.Options.Select(o => o.Title).SequenceEqual(poll.Options.Select(o => o.Title), StringComparer.Ordinal))
            {
                poll = poll with { Id = oldPoll.Id, CreatedAt = oldPoll.CreatedAt, HideTotals = oldPoll.HideTotals };
            }
            else
            {
                pollChanged = poll is not null || oldPoll is not null;
            }

            var significant = edit.Content != old.Content || edit.SpoilerText != old.SpoilerText || mediaChanged || pollChanged;
            var now = time.GetUtcNow();
            var editedAt = edit.EditedAt is { } at && at <= now ? at : now;
            var edited = old with
            {
                Text = edit.Text,
                Content = edit.Content,
                SpoilerText = edit.SpoilerText,
                Sensitive = edit.Sensitive,
                Language = edit.Language ?? old.Language,
                MediaIds = attachments.Select(a => a.Id).ToList(),
                Mentions = edit.Mentions,
                Tags = edit.Tags,
                PollId = poll?.Id,
                EditedAt = significant ? editedAt : old.EditedAt,
            };

            foreach (var attachment in attachments)
            {
                await store.UpsertAsync(Containers.Media, attachment.Id, attachment.Id, attachment, StoreJsonContext.Default.MediaAttachmentRecord, ifMatch: null, cancellationToken);
            }

            if (poll is not null)
            {
                await store.UpsertAsync(Containers.Polls, poll.Id, poll.Id, poll, StoreJsonContext.Default.PollRecord, ifMatch: null, cancellationToken);
            }

            string? editId = null;
            if (significant)
            {
                // The original version is kept once, before the first edit (a status may arrive already marked edited).
                var earlier = await store.QueryAsync(Containers.StatusEdits, new DocumentQuery(old.Id) { Descending = false, Limit = 1 }, StoreJsonContext.Default.StatusEditRecord, cancellationToken);
                if (earlier.Items.Count == 0)
                {
                    await store.UpsertAsync(Containers.StatusEdits, old.Id, SnowflakeIds.Sortable(old.Id), Snapshot(old, SnowflakeIds.Sortable(old.Id), oldPoll, old.CreatedAt), StoreJsonContext.Default.StatusEditRecord, ifMatch: null, cancellationToken);
                }

                editId = SnowflakeIds.Sortable(ids.Next());
                await store.CreateAsync(Containers.StatusEdits, old.Id, editId, Snapshot(edited, editId, poll, editedAt), StoreJsonContext.Default.StatusEditRecord, cancellationToken);
            }

            try
            {
                await store.ReplaceAsync(Containers.Statuses, old.Id, old.Id, edited, StoreJsonContext.Default.StatusRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 3)
            {
                // A counter moved meanwhile: read again and apply the edit to the new state.
                if (editId is not null)
                {
                    await store.DeleteAsync(Containers.StatusEdits, old.Id, editId, ifMatch: null, CancellationToken.None);
                }

                continue;
            }

            try
            {
                await NotifyMentionedAsync(edited, edited.Mentions.Where(m => !m.Acct.Contains('@', StringComparison.Ordinal) && !old.Mentions.Any(o => o.AccountId == m.AccountId)), cancellationToken);
                if (significant)
                {
                    await NotifyRebloggersAsync(edited, cancellationToken);
                }
            }
            catch (DocumentStoreException ex)
            {
                LogCounterFailed(logger, ex, old.Id);
            }

            if (significant)
            {
                // Fan-out announces the edit to local streams (status.update); a remote status is delivered nowhere.
                await queue.SendJsonAsync(QueueNames.Fanout, new Fanout.FanoutMessage(Fanout.FanoutEvents.Update, edited.Id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
            }

            return edited;
        }
    }
}
