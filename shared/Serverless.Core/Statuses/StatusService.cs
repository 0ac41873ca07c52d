using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Notifications;
using Serverless.Core.Polls;
using Serverless.Core.Queues;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>
/// Posts, edits, deletes and reads statuses. A new status is stored with its poll, media,
/// mentions and tags, indexed in its thread, counted, and handed to the <c>fanout</c> queue,
/// which puts it on timelines; mentioned local accounts are notified.
/// </summary>
public sealed partial class StatusService(
    IDocumentStore store,
    IWorkQueue queue,
    AccountService accounts,
    SnowflakeIds ids,
    TimeProvider time,
    LocalUrls urls,
    InstanceOptions instance,
    Instance.InstanceStats stats,
    MediaService media,
    PollService polls,
    NotificationService notifications,
    StatusAccess access,
    InteractionStore interactions,
    ILogger<StatusService> logger)
{
    public const int MaxCharacters = 500;

    /// <summary>Mentions resolved per status; the rest of a longer list stays plain text.</summary>
    public const int MaxMentions = 50;

    /// <summary>What a client asked to post.</summary>
    public sealed record NewStatus(string? Text, string? Visibility, bool Sensitive, string? SpoilerText, string? Language, string? InReplyToId, string? IdempotencyKey, string? ApplicationName, string? ApplicationWebsite)
    {
        /// <summary>Uploads to attach (<c>media_ids[]</c>), in display order.</summary>
        public IReadOnlyList<string> MediaIds { get; init; } = [];

        public PollRequest? Poll { get; init; }
    }

    /// <summary>A checked request: everything decided before anything is written.</summary>
    public sealed record Draft(
        string Text,
        string Content,
        string Visibility,
        string? Language,
        StatusRecord? Parent,
        IReadOnlyList<MentionRecord> Mentions,
        IReadOnlyList<string> Tags);

    /// <summary>
    /// Checks a request as Mastodon does, without writing anything: text or media present, the
    /// character limit, media and poll rules, visibility, and a reply target the author may see
    /// (404 otherwise). Resolves mentions and hashtags.
    /// </summary>
    public async Task<Draft> PrepareAsync(AccountRecord author, UserRecord user, NewStatus request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);

        var text = request.Text ?? "";
        ValidateContent(text, request.SpoilerText, request.MediaIds, request.Poll);

        var visibility = string.IsNullOrEmpty(request.Visibility) ? user.DefaultVisibility : request.Visibility;
        if (!Visibility.IsValid(visibility))
        {
            throw new ValidationFailedException("Validation failed: Visibility is not included in the list");
        }

        StatusRecord? parent = null;
        if (!string.IsNullOrEmpty(request.InReplyToId))
        {
            parent = await GetAsync(request.InReplyToId, cancellationToken);
            if (parent is null || !await access.CanSeeAsync(parent, author, cancellationToken))
            {
                throw new ReplyTargetNotFoundException();
            }
        }

        var (mentions, byHandle, tags) = await ResolveEntitiesAsync(text, cancellationToken);
        return new Draft(
            text,
            TextFormatter.ToHtml(text, urls.Base, byHandle),
            visibility,
            string.IsNullOrEmpty(request.Language) ? user.DefaultLanguage ?? user.Locale : request.Language,
            parent,
            mentions,
            tags);
    }

    public async Task<StatusRecord> CreateAsync(AccountRecord author, UserRecord user, NewStatus request, CancellationToken cancellationToken)
    {
        var draft = await PrepareAsync(author, user, request, cancellationToken);
        var parent = draft.Parent;
        var id = ids.NextString();

        // Idempotency-Key: the first request with a key claims it; a retry gets the same status back.
        string? idempotencyKey = null;
        if (!string.IsNullOrEmpty(request.IdempotencyKey))
        {
            idempotencyKey = $"idempotency:{author.Id}:{Secrets.Hash(request.IdempotencyKey)}";
            try
            {
                await store.CreateAsync(Containers.Lookups, idempotencyKey, idempotencyKey, new LookupRecord(idempotencyKey, id), StoreJsonContext.Default.LookupRecord, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                var earlier = await store.ReadAsync(Containers.Lookups, idempotencyKey, idempotencyKey, StoreJsonContext.Default.LookupRecord, cancellationToken);
                if (earlier is not null && await GetAsync(earlier.Value.TargetId, cancellationToken) is { } existing)
                {
                    return existing;
                }

                throw new ValidationFailedException("A request with this Idempotency-Key is still being processed");
            }
        }

        var now = time.GetUtcNow();
        var conversationId = parent is null ? id : parent.ConversationId ?? parent.Id;
        PollRecord? poll = request.Poll is null ? null : PollService.Build(ids.NextString(), id, author.Id, request.Poll, now);
        var status = new StatusRecord
        {
            Id = id,
            AccountId = author.Id,
            Uri = urls.StatusUri(author.Username, id),
            Url = urls.StatusUrl(author.Username, id),
            Text = draft.Text,
            Content = draft.Content,
            SpoilerText = request.SpoilerText ?? "",
            Sensitive = request.Sensitive || !string.IsNullOrEmpty(request.SpoilerText),
            Visibility = draft.Visibility,
            Language = draft.Language,
            InReplyToId = parent?.Id,
            InReplyToAccountId = parent?.AccountId,
            CreatedAt = now,
            ApplicationName = request.ApplicationName,
            ApplicationWebsite = request.ApplicationWebsite,
            MediaIds = request.MediaIds.Distinct(StringComparer.Ordinal).ToList(),
            Mentions = draft.Mentions,
            Tags = draft.Tags,
            PollId = poll?.Id,
            ConversationId = conversationId,
        };

        var attached = false;
        try
        {
            // Media first: an upload that is not the author's, or already used, fails the request here.
            attached = (await media.AttachAsync(author.Id, status.MediaIds, id, cancellationToken)).Count > 0;
            if (poll is not null)
            {
                await polls.CreateAsync(poll, cancellationToken);
            }

            await store.CreateAsync(Containers.Statuses, id, id, status, StoreJsonContext.Default.StatusRecord, cancellationToken);
            if (parent is not null)
            {
                await IndexInThreadAsync(status, cancellationToken);
            }

            await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Create, id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
        catch
        {
            // Leave nothing half-written: a status that will never be fanned out is removed with its key, poll, thread entry and media claims.
            await store.DeleteAsync(Containers.Statuses, id, id, ifMatch: null, CancellationToken.None);
            if (parent is not null)
            {
                await store.DeleteAsync(Containers.Statuses, ThreadKeys.Replies(conversationId), SnowflakeIds.Sortable(id), ifMatch: null, CancellationToken.None);
            }

            if (poll is not null)
            {
                await store.DeleteAsync(Containers.Polls, poll.Id, poll.Id, ifMatch: null, CancellationToken.None);
            }

            if (attached)
            {
                await DetachMediaAsync(status, CancellationToken.None);
            }

            if (idempotencyKey is not null)
            {
                await store.DeleteAsync(Containers.Lookups, idempotencyKey, idempotencyKey, ifMatch: null, CancellationToken.None);
            }

            throw;
        }

        // Counters and notifications are best-effort after the status exists: a failure here must not lose the post.
        try
        {
            await accounts.IncrementCountersAsync(author.Id, 1, now, cancellationToken);
            await stats.AddAsync(users: 0, statuses: 1, cancellationToken);
            if (parent is not null)
            {
                await store.PatchAsync(Containers.Statuses, parent.Id, parent.Id, [PatchOperation.Increment("/repliesCount", 1)], ifMatch: null, cancellationToken);
            }

            await NotifyMentionedAsync(status, status.Mentions, cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, id);
        }

        return status;
    }

    public async Task<StatusRecord?> GetAsync(string statusId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(statusId, out _))
        {
            return null;
        }

        var doc = await store.ReadAsync(Containers.Statuses, statusId, statusId, StoreJsonContext.Default.StatusRecord, cancellationToken);
        return doc?.Value is { DeletedAt: null } status ? status : null;
    }

    /// <summary>A status the viewer may see, or null (so that the API answers 404 either way).</summary>
    public async Task<StatusRecord?> GetVisibleAsync(string statusId, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        var status = await GetAsync(statusId, cancellationToken);
        return status is not null && await access.CanSeeAsync(status, viewer, cancellationToken) ? status : null;
    }

    public async Task<IReadOnlyList<StatusRecord>> GetManyAsync(IReadOnlyList<string> statusIds, CancellationToken cancellationToken)
    {
        var valid = statusIds.Where(id => SnowflakeIds.TryParse(id, out _)).ToList();
        if (valid.Count == 0)
        {
            return [];
        }

        var docs = await store.ReadManyAsync(Containers.Statuses, valid.Select(id => new DocumentKey(id, id)).ToList(), StoreJsonContext.Default.StatusRecord, cancellationToken);
        return docs.Select(d => d.Value).Where(s => s.DeletedAt is null).ToList();
    }

    /// <summary>Media attachments by id (one batch read), in the order found.</summary>
    public async Task<IReadOnlyList<MediaAttachmentRecord>> MediaOfAsync(IEnumerable<string> mediaIds, CancellationToken cancellationToken)
    {
        var keys = mediaIds.Distinct(StringComparer.Ordinal).Select(m => new DocumentKey(m, m)).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var docs = await store.ReadManyAsync(Containers.Media, keys, StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        return docs.Select(d => d.Value).ToList();
    }

    /// <summary>Mastodon's checks of what a status holds: text or media, the character limit, at most four media, and a poll only without media.</summary>
    private static void ValidateContent(string text, string? spoilerText, IReadOnlyList<string> mediaIds, PollRequest? poll)
    {
        if (string.IsNullOrWhiteSpace(text) && mediaIds.Count == 0)
        {
            throw new ValidationFailedException("Validation failed: Text can't be blank");
        }

        if (TextFormatter.CountCharacters(text) + TextFormatter.CountCharacters(spoilerText ?? "") > MaxCharacters)
        {
            throw new ValidationFailedException($"Validation failed: Text character limit of {MaxCharacters} exceeded");
        }

        if (mediaIds.Count > MediaService.MaxAttachments)
        {
            throw new ValidationFailedException($"Cannot attach more than {MediaService.MaxAttachments} files");
        }

        if (poll is not null)
        {
            if (mediaIds.Count > 0)
            {
                throw new ValidationFailedException("Cannot attach files to a post with a poll");
            }

            PollService.Validate(poll);
        }
    }

    /// <summary>
    /// Finds the accounts a text mentions (local by username; remote only when already known, by
    /// their <c>acct:user@domain</c> lookup) and its hashtags.
    /// </summary>
    private async Task<(IReadOnlyList<MentionRecord> Mentions, Dictionary<string, MentionRecord> ByHandle, IReadOnlyList<string> Tags)> ResolveEntitiesAsync(string text, CancellationToken cancellationToken)
    {
        var entities = TextFormatter.Extract(text);
        var byHandle = new Dictionary<string, MentionRecord>(StringComparer.Ordinal);
        var mentions = new List<MentionRecord>();
        foreach (var handle in entities.Mentions.Take(MaxMentions))
        {
            var account = await FindMentionedAsync(handle, cancellationToken);
            if (account is null)
            {
                continue;
            }

            var mention = new MentionRecord(account.Id, account.Username, account.IsLocal ? account.Username : $"{account.Username}@{account.Domain}", account.Url);
            byHandle[handle.Key] = mention;
            if (!mentions.Any(m => m.AccountId == mention.AccountId))
            {
                mentions.Add(mention);
            }
        }

        return (mentions, byHandle, entities.Tags);
    }

    private async Task<AccountRecord?> FindMentionedAsync(TextFormatter.MentionHandle handle, CancellationToken cancellationToken)
    {
        if (handle.Domain is null || string.Equals(handle.Domain, instance.LocalDomain, StringComparison.OrdinalIgnoreCase))
        {
            return await accounts.FindLocalAsync(handle.Username, cancellationToken);
        }

        // Unknown remote accounts stay plain text until federation can resolve them.
        var key = AccountService.UsernameKey($"{handle.Username}@{handle.Domain}");
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        var account = lookup is null ? null : await accounts.GetAsync(lookup.Value.TargetId, cancellationToken);
        return account is { IsLocal: false } && string.Equals(account.Domain, handle.Domain, StringComparison.OrdinalIgnoreCase) ? account : null;
    }

    /// <summary>Notifies mentioned local accounts, except those who muted the conversation.</summary>
    private async Task NotifyMentionedAsync(StatusRecord status, IEnumerable<MentionRecord> mentioned, CancellationToken cancellationToken)
    {
        foreach (var mention in mentioned)
        {
            if (mention.Acct.Contains('@', StringComparison.Ordinal) || mention.AccountId == status.AccountId)
            {
                continue;
            }

            var conversation = status.ConversationId ?? status.Id;
            if (await interactions.GetAsync(mention.AccountId, InteractionKeys.Mute, conversation, cancellationToken) is not null)
            {
                continue;
            }

            await notifications.NotifyAsync(mention.AccountId, NotificationTypes.Mention, status.AccountId, status.Id, cancellationToken);
        }
    }

    /// <summary>Gives a status's uploads back, so that they can be attached again (delete and redraft).</summary>
    private async Task DetachMediaAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        if (status.MediaIds.Count == 0)
        {
            return;
        }

        var docs = await store.ReadManyAsync(Containers.Media, status.MediaIds.Select(m => new DocumentKey(m, m)).ToList(), StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        foreach (var doc in docs.Where(d => d.Value.StatusId == status.Id))
        {
            await store.PatchAsync(Containers.Media, doc.Id, doc.Id, [PatchOperation.Remove("/statusId")], doc.ETag, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counters or notifications were not updated for status {StatusId}")]
    private static partial void LogCounterFailed(ILogger logger, Exception exception, string statusId);
}

/// <summary>A reply to a status that does not exist or that the author may not see: Mastodon answers 404 with its own message.</summary>
public sealed class ReplyTargetNotFoundException() : DomainException("The post you are trying to reply to does not appear to exist.");
