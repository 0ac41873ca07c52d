using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Polls;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Statuses;

public sealed partial class StatusService
{
    /// <summary>Versions returned by the history (Mastodon keeps every one; this bounds one read).</summary>
    public const int MaxHistory = 100;

    /// <summary>Local rebloggers told of an edit per request (Mastodon tells them all, in batches).</summary>
    public const int MaxEditNotifications = 200;

    /// <summary>
    /// An edit as <c>PUT /api/v1/statuses/:id</c> sends it: the whole new state, as Mastodon reads
    /// it (a missing <c>media_ids</c> or <c>poll</c> removes them; a missing language keeps it).
    /// </summary>
    public sealed record StatusChange(string? Text, string? SpoilerText, bool? Sensitive, string? Language, IReadOnlyList<string> MediaIds, PollRequest? Poll);

    /// <summary>
    /// Edits one of the author's statuses, keeping its history: the first edit also records the
    /// original version. Returns the status unchanged when nothing significant changed.
    /// </summary>
    public async Task<StatusRecord> EditAsync(AccountRecord author, string statusId, StatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(change);
        var doc = SnowflakeIds.TryParse(statusId, out _)
            ? await store.ReadAsync(Containers.Statuses, statusId, statusId, StoreJsonContext.Default.StatusRecord, cancellationToken)
            : null;
        if (doc?.Value is not { DeletedAt: null, ReblogOfId: null } old || old.AccountId != author.Id)
        {
            throw new RecordNotFoundException();
        }

        var text = change.Text ?? "";
        var spoiler = change.SpoilerText ?? "";
        var mediaIds = change.MediaIds.Distinct(StringComparer.Ordinal).ToList();
        ValidateContent(text, spoiler, mediaIds, change.Poll);
        var (mentions, byHandle, tags) = await ResolveEntitiesAsync(text, cancellationToken);
        var now = time.GetUtcNow();

        var oldPoll = old.PollId is null ? null : (await polls.GetAsync(old.PollId, cancellationToken))?.Value;
        // A poll sent again always counts as a change: its end moves to expires_in from now, as in Mastodon.
        var pollChanged = change.Poll is not null || oldPoll is not null;

        var edited = old with
        {
            Text = text,
            Content = TextFormatter.ToHtml(text, urls.Base, byHandle),
            SpoilerText = spoiler,
            Sensitive = (change.Sensitive ?? false) || spoiler.Length > 0,
            Language = string.IsNullOrEmpty(change.Language) ? old.Language : change.Language,
            MediaIds = mediaIds,
            Mentions = mentions,
            Tags = tags,
        };

        if (!pollChanged && edited.Text == old.Text && edited.SpoilerText == old.SpoilerText && edited.Sensitive == old.Sensitive
            && edited.Language == old.Language && edited.MediaIds.SequenceEqual(old.MediaIds, StringComparer.Ordinal))
        {
            return old;
        }

        await media.AttachAsync(author.Id, mediaIds, old.Id, cancellationToken);

        // Changing the choices resets the votes, as in Mastodon: a new poll, so that old votes no longer count.
        PollRecord? poll = null;
        if (change.Poll is not null)
        {
            if (oldPoll is not null && PollService.SameChoices(oldPoll, change.Poll))
            {
                poll = await polls.ExtendAsync(oldPoll, change.Poll, now, cancellationToken);
            }
            else
            {
                poll = PollService.Build(ids.NextString(), old.Id, author.Id, change.Poll, now);
                await polls.CreateAsync(poll, cancellationToken);
            }
        }

        edited = edited with { PollId = poll?.Id, EditedAt = now };

        // The original version is recorded once, under an id that sorts before every later edit.
        if (old.EditedAt is null)
        {
            await store.UpsertAsync(Containers.StatusEdits, old.Id, SnowflakeIds.Sortable(old.Id), Snapshot(old, SnowflakeIds.Sortable(old.Id), oldPoll, old.CreatedAt), StoreJsonContext.Default.StatusEditRecord, ifMatch: null, cancellationToken);
        }

        var editId = SnowflakeIds.Sortable(ids.Next());
        await store.CreateAsync(Containers.StatusEdits, old.Id, editId, Snapshot(edited, editId, poll, now), StoreJsonContext.Default.StatusEditRecord, cancellationToken);
        try
        {
            await store.ReplaceAsync(Containers.Statuses, old.Id, old.Id, edited, StoreJsonContext.Default.StatusRecord, doc.ETag, cancellationToken);
        }
        catch (DocumentStoreException)
        {
            await store.DeleteAsync(Containers.StatusEdits, old.Id, editId, ifMatch: null, CancellationToken.None);
            throw new ValidationFailedException("The post was changed by another request at the same time; try again");
        }

        try
        {
            await NotifyMentionedAsync(edited, mentions.Where(m => !old.Mentions.Any(o => o.AccountId == m.AccountId)), cancellationToken);
            await NotifyRebloggersAsync(edited, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, old.Id);
        }

        if (edited.Local)
        {
            await queue.SendJsonAsync(QueueNames.Fanout, new Fanout.FanoutMessage(Fanout.FanoutEvents.Update, edited.Id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }

        return edited;
    }

    /// <summary>Every version of a status, oldest first, including the original; a never-edited status has one.</summary>
    public async Task<IReadOnlyList<StatusEditRecord>> HistoryAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.EditedAt is not null)
        {
            var page = await store.QueryAsync(Containers.StatusEdits, new DocumentQuery(status.Id) { Descending = false, Limit = MaxHistory }, StoreJsonContext.Default.StatusEditRecord, cancellationToken);
            if (page.Items.Count > 0)
            {
                return page.Items.Select(i => i.Value).ToList();
            }
        }

        var poll = status.PollId is null ? null : (await polls.GetAsync(status.PollId, cancellationToken))?.Value;
        return [Snapshot(status, SnowflakeIds.Sortable(status.Id), poll, status.EditedAt ?? status.CreatedAt)];
    }

    private static StatusEditRecord Snapshot(StatusRecord status, string id, PollRecord? poll, DateTimeOffset at) => new()
    {
        Id = id,
        StatusId = status.Id,
        AccountId = status.AccountId,
        Text = status.Text,
        Content = status.Content,
        SpoilerText = status.SpoilerText,
        Sensitive = status.Sensitive,
        Language = status.Language,
        MediaIds = status.MediaIds,
        PollOptions = poll?.Options.Select(o => o.Title).ToList(),
        CreatedAt = at,
    };

    /// <summary>Tells local accounts that reblogged a status that it changed (Mastodon's <c>update</c> notification).</summary>
    private async Task NotifyRebloggersAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        var rebloggers = await interactions.PageAsync(InteractionListings.RebloggedBy(status.Id), new PageRequest(null, null, null, MaxEditNotifications), cancellationToken);
        var local = await accounts.GetManyAsync(rebloggers.Select(r => r.Entry.AccountId), cancellationToken);
        foreach (var account in local.Where(a => a.IsLocal))
        {
            await notifications.NotifyAsync(account.Id, NotificationTypes.Update, status.AccountId, status.Id, cancellationToken);
        }
    }
}
