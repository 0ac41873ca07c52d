using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Documents;

/// <summary>
/// Local statuses as ActivityPub objects, in the shapes Mastodon serves and delivers: <c>Note</c>
/// (or <c>Question</c> with a poll), the <c>Create</c> and <c>Announce</c> activities, the
/// <c>Tombstone</c> of a deleted status, and the pages of a status's <c>replies</c> collection.
/// Objects come without <c>@context</c>: the caller puts them in an activity or a collection, or
/// wraps them with <see cref="JsonLd.WithContext"/>.
/// </summary>
/// <remarks>
/// Everything a status refers to (its author, parent, mentioned accounts, media and poll) is read
/// in batches, one batch read per kind for any number of statuses, so that a collection page
/// costs the same few reads as one status.
/// </remarks>
public sealed class StatusObjects(IDocumentStore store, LocalUrls urls, InstanceOptions options, IMediaStore mediaStore, TimeProvider time)
{
    /// <summary>The author's own replies listed inline in a status's <c>replies.first</c> page (as Mastodon: 5).</summary>
    public const int InlineSelfReplies = 5;

    /// <summary>Replies per page of the <c>replies</c> collection (Mastodon's limit: 60).</summary>
    public const int RepliesPageSize = 60;

    /// <summary>
    /// The status as a <c>Note</c> or <c>Question</c>, without <c>@context</c>. Its <c>replies</c>
    /// collection lists the author's first public or unlisted replies inline.
    /// </summary>
    public async Task<JsonObject> NoteAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var refs = await LoadAsync([status], cancellationToken);
        var author = refs.Author(status);
        var firstReplies = await RepliesPageAsync(status, author, minId: null, onlyOtherAccounts: false, InlineSelfReplies, cancellationToken);
        return Note(status, author, refs, firstReplies);
    }

    /// <summary>
    /// Several statuses as objects, in the order given (statuses whose author is unknown are left
    /// out). The <c>replies.first</c> pages list nothing inline and point to the first page of the
    /// collection, so that a page of statuses needs no query per status.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> NotesAsync(IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var refs = await LoadAsync(statuses, cancellationToken);
        var notes = new List<JsonObject>(statuses.Count);
        foreach (var status in statuses)
        {
            if (refs.Accounts.TryGetValue(status.AccountId, out var author))
            {
                notes.Add(Note(status, author, refs, firstReplies: null));
            }
        }

        return notes;
    }

    /// <summary>The <c>Create</c> of a status (what <c>/users/:u/statuses/:id/activity</c> serves), without <c>@context</c>.</summary>
    public async Task<JsonObject> CreateAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        var note = await NoteAsync(status, cancellationToken);
        return Create(status, note);
    }

    /// <summary>
    /// The <c>Announce</c> of a reblog, without <c>@context</c>. Its id is the reblog's own
    /// <see cref="StatusRecord.Uri"/>, which for reblogs already is <c>/users/:u/statuses/:id/activity</c>
    /// as in Mastodon; <c>/activity</c> is appended only to a reblog stored with a bare status URI.
    /// </summary>
    public async Task<JsonObject> AnnounceAsync(StatusRecord reblog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reblog);
        var originalId = reblog.ReblogOfId ?? throw new ArgumentException("The status is not a reblog.", nameof(reblog));
        var original = await ReadStatusAsync(originalId, cancellationToken) ?? throw new RecordNotFoundException();
        var accounts = await ReadAccountsAsync([reblog.AccountId, original.AccountId], cancellationToken);
        if (!accounts.TryGetValue(reblog.AccountId, out var actor) || !accounts.TryGetValue(original.AccountId, out var originalAuthor))
        {
            throw new RecordNotFoundException();
        }

        return Announce(reblog, actor, original, originalAuthor);
    }

    /// <summary>
    /// The activities of an outbox page: <c>Create</c> for statuses, <c>Announce</c> for reblogs
    /// (reblogs whose original is gone are left out), in the order given.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> ActivitiesAsync(IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var originalIds = statuses.Where(s => s.ReblogOfId is not null).Select(s => s.ReblogOfId!).Distinct(StringComparer.Ordinal).ToList();
        var originals = await ReadStatusesAsync(originalIds, cancellationToken);
        var notes = statuses.Where(s => s.ReblogOfId is null).ToList();
        var refs = await LoadAsync(notes, cancellationToken, extraAccounts: originals.Values.Select(o => o.AccountId).Concat(statuses.Select(s => s.AccountId)));
        var activities = new List<JsonObject>(statuses.Count);
        foreach (var status in statuses)
        {
            if (!refs.Accounts.TryGetValue(status.AccountId, out var author))
            {
                continue;
            }

            if (status.ReblogOfId is null)
            {
                activities.Add(Create(status, Note(status, author, refs, firstReplies: null)));
            }
            else if (originals.TryGetValue(status.ReblogOfId, out var original) && original.DeletedAt is null && refs.Accounts.TryGetValue(original.AccountId, out var originalAuthor))
            {
                activities.Add(Announce(status, author, original, originalAuthor));
            }
        }

        return activities;
    }

    /// <summary>What a deleted status is replaced with: <c>{id, type: Tombstone, atomUri}</c>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the service the delivery code is given, beside the other documents.")]
    public JsonObject Tombstone(StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new JsonObject
        {
            ["id"] = status.Uri,
            ["type"] = "Tombstone",
            ["atomUri"] = status.Uri,
        };
    }

    /// <summary>The id of a local status's <c>replies</c> collection.</summary>
    public static string RepliesUri(StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Uri + "/replies";
    }

    /// <summary>
    /// One page of a status's <c>replies</c> (a <c>CollectionPage</c> of reply URIs, oldest first,
    /// public and unlisted only), paged as Mastodon pages it: first the author's own replies
    /// (<paramref name="minId"/> moving on), then, with <paramref name="onlyOtherAccounts"/>,
    /// everyone else's. Each page is one query of the thread's index plus one batch read.
    /// </summary>
    public async Task<JsonObject> RepliesPageAsync(StatusRecord status, AccountRecord author, string? minId, bool onlyOtherAccounts, CancellationToken cancellationToken) =>
        await RepliesPageAsync(status, author, minId, onlyOtherAccounts, RepliesPageSize, cancellationToken);

    private async Task<JsonObject> RepliesPageAsync(StatusRecord status, AccountRecord author, string? minId, bool onlyOtherAccounts, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(author);
        List<FieldFilter> filters = [new("inReplyToId", JsonValue.Create(status.Id))];
        if (!onlyOtherAccounts)
        {
            filters.Add(new("accountId", JsonValue.Create(author.Id)));
        }

        var query = new DocumentQuery(ThreadKeys.Replies(status.ConversationId ?? status.Id))
        {
            IdAfter = minId is not null && SnowflakeIds.TryParse(minId, out var after) ? SnowflakeIds.Sortable(after) : null,
            Descending = false,
            Limit = limit,
            Filters = filters,
        };
        var entries = (await store.QueryAsync(Containers.Statuses, query, StoreJsonContext.Default.ThreadEntry, cancellationToken)).Items.Select(i => i.Value).ToList();
        var wanted = entries.Where(e => !onlyOtherAccounts || e.AccountId != author.Id).Select(e => e.StatusId).ToList();
        var replies = await ReadStatusesAsync(wanted, cancellationToken);
        var items = new JsonArray();
        foreach (var id in wanted)
        {
            if (replies.TryGetValue(id, out var reply) && reply.DeletedAt is null && reply.Visibility is Visibility.Public or Visibility.Unlisted)
            {
                items.Add(reply.Uri);
            }
        }

        var collection = RepliesUri(status);
        var full = entries.Count == limit;
        string? next;
        if (onlyOtherAccounts)
        {
            next = full ? PageUri(collection, entries[^1].StatusId, onlyOtherAccounts: true) : null;
        }
        else
        {
            // The author's replies first; when they run out, the others' from the start.
            next = full ? PageUri(collection, entries[^1].StatusId, onlyOtherAccounts: false) : PageUri(collection, minId: null, onlyOtherAccounts: true);
        }

        var page = new JsonObject
        {
            ["id"] = PageUri(collection, minId, onlyOtherAccounts),
            ["type"] = "CollectionPage",
        };
        if (next is not null)
        {
            page["next"] = next;
        }

        page["partOf"] = collection;
        page["items"] = items;
        return page;
    }

    private static string PageUri(string collection, string? minId, bool onlyOtherAccounts)
    {
        var query = "?page=true";
        if (onlyOtherAccounts)
        {
            query += "&only_other_accounts=true";
        }

        if (minId is not null)
        {
            query += "&min_id=" + Uri.EscapeDataString(minId);
        }

        return collection + query;
    }

    private static JsonObject Create(StatusRecord status, JsonObject note) => new()
    {
        ["id"] = ActivityUri(status),
        ["type"] = "Create",
        ["actor"] = note["attributedTo"]?.DeepClone(),
        ["published"] = JsonLd.Timestamp(status.CreatedAt),
        ["to"] = note["to"]?.DeepClone(),
        ["cc"] = note["cc"]?.DeepClone(),
        ["object"] = note,
    };

    private JsonObject Announce(StatusRecord reblog, AccountRecord actor, StatusRecord original, AccountRecord originalAuthor)
    {
        var (to, cc) = Audience(reblog, actor, [], originalAuthor.Uri);
        return new JsonObject
        {
            ["id"] = ActivityUri(reblog),
            ["type"] = "Announce",
            ["actor"] = actor.Uri,
            ["published"] = JsonLd.Timestamp(reblog.CreatedAt),
            ["to"] = to,
            ["cc"] = cc,
            ["object"] = original.Uri,
        };
    }

    private static string ActivityUri(StatusRecord status) =>
        status.Uri.EndsWith("/activity", StringComparison.Ordinal) ? status.Uri : status.Uri + "/activity";

    private JsonObject Note(StatusRecord status, AccountRecord author, References refs, JsonObject? firstReplies)
    {
        var mentioned = status.Mentions
            .Select(m => (Mention: m, Account: refs.Accounts.GetValueOrDefault(m.AccountId)))
            .Where(m => m.Account is not null)
            .DistinctBy(m => m.Account!.Id)
            .ToList();
        var (to, cc) = Audience(status, author, mentioned.Select(m => m.Account!.Uri), rebloggedAuthorUri: null);
        var parent = status.InReplyToId is { } parentId ? refs.Parents.GetValueOrDefault(parentId) : null;
        var poll = status.PollId is { } pollId ? refs.Polls.GetValueOrDefault(pollId) : null;

        var note = new JsonObject
        {
            ["id"] = status.Uri,
            ["type"] = poll is null ? "Note" : "Question",
            ["summary"] = string.IsNullOrEmpty(status.SpoilerText) ? null : status.SpoilerText,
            ["inReplyTo"] = parent?.Uri,
            ["published"] = JsonLd.Timestamp(status.CreatedAt),
            ["url"] = status.Url,
            ["attributedTo"] = author.Uri,
            ["to"] = to,
            ["cc"] = cc,
            ["sensitive"] = status.Sensitive,
            ["atomUri"] = status.Uri,
            ["inReplyToAtomUri"] = parent?.Uri,
            ["conversation"] = ConversationUri(status),
            ["content"] = status.Content,
        };
        if (!string.IsNullOrEmpty(status.Language))
        {
            note["contentMap"] = new JsonObject { [status.Language] = status.Content };
        }

        if (status.EditedAt is { } edited)
        {
            note["updated"] = JsonLd.Timestamp(edited);
        }

        var attachments = new JsonArray();
        foreach (var mediaId in status.MediaIds)
        {
            if (refs.Media.TryGetValue(mediaId, out var media) && Document(media) is { } document)
            {
                attachments.Add(document);
            }
        }

        note["attachment"] = attachments;

        var tags = new JsonArray();
        foreach (var (mention, account) in mentioned)
        {
            tags.Add(new JsonObject { ["type"] = "Mention", ["href"] = account!.Uri, ["name"] = "@" + mention.Acct });
        }

        foreach (var tag in status.Tags)
        {
            tags.Add(new JsonObject { ["type"] = "Hashtag", ["href"] = TagUrl(tag), ["name"] = "#" + tag });
        }

        note["tag"] = tags;

        var repliesUri = RepliesUri(status);
        note["replies"] = new JsonObject
        {
            ["id"] = repliesUri,
            ["type"] = "Collection",
            ["first"] = firstReplies ?? new JsonObject
            {
                ["type"] = "CollectionPage",
                ["next"] = PageUri(repliesUri, minId: null, onlyOtherAccounts: false),
                ["partOf"] = repliesUri,
                ["items"] = new JsonArray(),
            },
        };
        if (firstReplies is not null)
        {
            // Mastodon's inline first page has no id of its own.
            firstReplies.Remove("id");
        }

        note["likes"] = new JsonObject { ["id"] = status.Uri + "/likes", ["type"] = "Collection", ["totalItems"] = status.FavouritesCount };
        note["shares"] = new JsonObject { ["id"] = status.Uri + "/shares", ["type"] = "Collection", ["totalItems"] = status.ReblogsCount };

        if (poll is not null)
        {
            AddPoll(note, poll);
        }

        return note;
    }

    private void AddPoll(JsonObject question, PollRecord poll)
    {
        var options = new JsonArray();
        foreach (var option in poll.Options)
        {
            options.Add(new JsonObject
            {
                ["type"] = "Note",
                ["name"] = option.Title,
                ["replies"] = new JsonObject { ["type"] = "Collection", ["totalItems"] = option.VotesCount },
            });
        }

        question[poll.Multiple ? "anyOf" : "oneOf"] = options;
        if (poll.ExpiresAt is { } end)
        {
            question["endTime"] = JsonLd.Timestamp(end);
            if (end <= time.GetUtcNow())
            {
                question["closed"] = JsonLd.Timestamp(end);
            }
        }

        question["votersCount"] = poll.VotersCount;
    }

    /// <summary>
    /// Mastodon's addressing: public to the Public collection with followers in cc; unlisted to
    /// followers with Public in cc; private to followers; direct to the mentioned accounts only.
    /// Mentioned accounts are in cc except for direct statuses; the reblogged author of a reblog
    /// is in cc first.
    /// </summary>
    private (JsonArray To, JsonArray Cc) Audience(StatusRecord status, AccountRecord author, IEnumerable<string> mentionUris, string? rebloggedAuthorUri)
    {
        var followers = author.IsLocal ? urls.Followers(author.Username) : null;
        var to = new JsonArray();
        var cc = new JsonArray();
        if (rebloggedAuthorUri is not null)
        {
            cc.Add(rebloggedAuthorUri);
        }

        switch (status.Visibility)
        {
            case Visibility.Public:
                to.Add(ActivityStreams.PublicCollection);
                AddIfSet(cc, followers);
                break;
            case Visibility.Unlisted:
                AddIfSet(to, followers);
                cc.Add(ActivityStreams.PublicCollection);
                break;
            case Visibility.Private:
                AddIfSet(to, followers);
                break;
            default:
                break;
        }

        var audience = status.Visibility == Visibility.Direct ? to : cc;
        foreach (var uri in mentionUris)
        {
            if (!audience.Any(n => n?.GetValue<string>() == uri))
            {
                audience.Add(uri);
            }
        }

        return (to, cc);
    }

    private static void AddIfSet(JsonArray array, string? value)
    {
        if (value is not null)
        {
            array.Add(value);
        }
    }

    private JsonObject? Document(MediaAttachmentRecord media)
    {
        var url = media.State == MediaStates.Ready && media.FileKey is { } key ? mediaStore.GetPublicUrl(key).ToString() : media.RemoteUrl;
        if (url is null)
        {
            return null;
        }

        var document = new JsonObject
        {
            ["type"] = "Document",
            ["mediaType"] = media.ContentType,
            ["url"] = url,
            ["name"] = media.Description,
            ["blurhash"] = media.Blurhash,
        };
        if (media.FocusX is { } x && media.FocusY is { } y)
        {
            document["focalPoint"] = new JsonArray(x, y);
        }

        if (media.Width is { } width)
        {
            document["width"] = width;
        }

        if (media.Height is { } height)
        {
            document["height"] = height;
        }

        if (media.Duration is { } seconds)
        {
            document["duration"] = System.Xml.XmlConvert.ToString(TimeSpan.FromSeconds(seconds));
        }

        return document;
    }

    /// <summary>The hashtag's page on this server, as the client API's <c>tags[].url</c>.</summary>
    public string TagUrl(string name) => $"{urls.Base}/tags/{Uri.EscapeDataString(name)}";

    /// <summary>
    /// The thread's OStatus-style id (<c>tag:domain,date:objectId=…:objectType=Conversation</c>),
    /// which Mastodon groups threads by. The date is the root status's, read off its snowflake id.
    /// </summary>
    private string ConversationUri(StatusRecord status)
    {
        var root = status.ConversationId ?? status.Id;
        var date = SnowflakeIds.TryParse(root, out var rootId) ? SnowflakeIds.TimestampOf(rootId) : status.CreatedAt;
        return string.Create(CultureInfo.InvariantCulture, $"tag:{options.LocalDomain},{date.UtcDateTime:yyyy-MM-dd}:objectId={root}:objectType=Conversation");
    }

    /// <summary>What notes refer to, read in one batch per kind.</summary>
    private sealed record References(
        Dictionary<string, AccountRecord> Accounts,
        Dictionary<string, StatusRecord> Parents,
        Dictionary<string, MediaAttachmentRecord> Media,
        Dictionary<string, PollRecord> Polls)
    {
        public AccountRecord Author(StatusRecord status) =>
            Accounts.TryGetValue(status.AccountId, out var author) ? author : throw new RecordNotFoundException();
    }

    private async Task<References> LoadAsync(IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken, IEnumerable<string>? extraAccounts = null)
    {
        var accountIds = statuses.Select(s => s.AccountId).Concat(statuses.SelectMany(s => s.Mentions.Select(m => m.AccountId)));
        if (extraAccounts is not null)
        {
            accountIds = accountIds.Concat(extraAccounts);
        }

        var accounts = await ReadAccountsAsync(accountIds, cancellationToken);

        // Parents are read even when deleted: the reply still answers that URI.
        var parents = await ReadStatusesAsync(statuses.Where(s => s.InReplyToId is not null).Select(s => s.InReplyToId!), cancellationToken);
        var media = await ReadManyAsync(Containers.Media, statuses.SelectMany(s => s.MediaIds), StoreJsonContext.Default.MediaAttachmentRecord, m => m.Id, cancellationToken);
        var polls = await ReadManyAsync(Containers.Polls, statuses.Where(s => s.PollId is not null).Select(s => s.PollId!), StoreJsonContext.Default.PollRecord, p => p.Id, cancellationToken);
        return new References(accounts, parents, media, polls);
    }

    private Task<Dictionary<string, AccountRecord>> ReadAccountsAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        ReadManyAsync(Containers.Accounts, ids, StoreJsonContext.Default.AccountRecord, a => a.Id, cancellationToken);

    /// <summary>Statuses by id, deleted ones included (callers decide what a tombstone means to them).</summary>
    private Task<Dictionary<string, StatusRecord>> ReadStatusesAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        ReadManyAsync(Containers.Statuses, ids.Where(id => SnowflakeIds.TryParse(id, out _)), StoreJsonContext.Default.StatusRecord, s => s.Id, cancellationToken);

    private async Task<StatusRecord?> ReadStatusAsync(string id, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(id, out _)
            ? (await store.ReadAsync(Containers.Statuses, id, id, StoreJsonContext.Default.StatusRecord, cancellationToken))?.Value
            : null;

    private async Task<Dictionary<string, T>> ReadManyAsync<T>(string container, IEnumerable<string> ids, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, string> key, CancellationToken cancellationToken)
    {
        var keys = ids.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, T>(StringComparer.Ordinal);
        }

        var docs = await store.ReadManyAsync(container, keys, type, cancellationToken);
        return docs.ToDictionary(d => key(d.Value), d => d.Value, StringComparer.Ordinal);
    }
}
