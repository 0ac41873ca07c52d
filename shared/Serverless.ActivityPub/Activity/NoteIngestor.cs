using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Content;
using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Json;
using Serverless.ActivityPub.Resolver;
using Serverless.Core.Accounts;
using Serverless.Core.Ids;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// Turns a remote <c>Note</c> (or <c>Question</c>; <c>Article</c>, <c>Page</c> and the like converted)
/// into a stored status: author and origin checked, visibility read from the addressing, content
/// sanitised, mentions, hashtags, attachments and poll kept, the parent fetched when unknown (up to
/// a depth), and the status fanned out to local followers and the federated timeline.
/// </summary>
public sealed partial class NoteIngestor(
    ActivityPubResolver resolver,
    StatusService statuses,
    AccountService accounts,
    SnowflakeIds ids,
    TimeProvider time,
    ILogger<NoteIngestor> logger)
{
    /// <summary>How many missing ancestors are fetched for one status.</summary>
    public const int MaxParentDepth = 5;

    /// <summary>Mentions resolved per status (unknown remote accounts are fetched).</summary>
    public const int MaxResolvedMentions = 10;

    public const int MaxAttachments = 16;

    public static readonly IReadOnlySet<string> ObjectTypes = new HashSet<string>(StringComparer.Ordinal) { "Note", "Question", "Article", "Page", "Image", "Video", "Audio", "Event" };

    /// <summary>A status by ActivityPub id: known, or fetched and stored. Null when it cannot be had or may not be shown.</summary>
    public async Task<StatusRecord?> ResolveAsync(string uri, CancellationToken cancellationToken) =>
        await ResolveAsync(uri, 0, cancellationToken);

    /// <summary>
    /// Stores a Note unless known. <paramref name="sender"/> is the actor whose signed activity carried it:
    /// an embedded object is trusted only when the sender is its author (or from the author's origin);
    /// anything else is fetched from its own origin first.
    /// </summary>
    public async Task<StatusRecord?> IngestAsync(JsonObject note, AccountRecord sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(sender);
        var uri = Ld.String(note, "id");
        if (uri is null)
        {
            return null;
        }

        if (!Ld.SameOrigin(uri, sender.Uri))
        {
            return await ResolveAsync(uri, 0, cancellationToken);
        }

        return await IngestAsync(note, 0, cancellationToken);
    }

    private async Task<StatusRecord?> ResolveAsync(string uri, int depth, CancellationToken cancellationToken)
    {
        if (await statuses.FindByUriAsync(uri, cancellationToken) is { } known)
        {
            return known;
        }

        if (resolver.IsLocal(uri) || await statuses.KnowsUriAsync(uri, cancellationToken))
        {
            // Ours, or stored once and deleted since: never resurrected from a copy.
            return null;
        }

        var document = await resolver.FetchAsync(uri, cancellationToken);
        var id = document is null ? null : Ld.String(document, "id");
        if (id is not null && id != uri && depth == 0 && Ld.SameOrigin(id, uri))
        {
            // A link to the post's page (Mastodon's /@alice/123) answers with the Note itself, whose id is
            // the canonical one: look that up, or fetch the Note from its id, which its origin vouches for.
            return await ResolveAsync(id, depth + 1, cancellationToken);
        }

        return document is null || id != uri ? null : await IngestAsync(document, depth, cancellationToken);
    }

    private async Task<StatusRecord?> IngestAsync(JsonObject note, int depth, CancellationToken cancellationToken)
    {
        var uri = Ld.String(note, "id");
        var type = Ld.Type(note);
        if (uri is null || type is null || !ObjectTypes.Contains(type))
        {
            return null;
        }

        if (await statuses.FindByUriAsync(uri, cancellationToken) is { } known)
        {
            return known;
        }

        if (await statuses.KnowsUriAsync(uri, cancellationToken))
        {
            return null;
        }

        var authorUri = Ld.Id(note, "attributedTo");
        if (authorUri is null || !Ld.SameOrigin(authorUri, uri))
        {
            LogForeignObject(logger, uri, authorUri);
            return null;
        }

        var author = await resolver.ResolveActorAsync(authorUri, refresh: false, cancellationToken);
        if (author is null || author.IsLocal)
        {
            return null;
        }

        var visibility = VisibilityOf(note, author);
        StatusRecord? parent = null;
        if (Ld.Id(note, "inReplyTo") is { } parentUri)
        {
            parent = depth < MaxParentDepth ? await ResolveAsync(parentUri, depth + 1, cancellationToken) : await statuses.FindByUriAsync(parentUri, cancellationToken);
        }

        var now = time.GetUtcNow();
        var published = Ld.Date(note, "published") is { } p && p <= now ? p : now;
        var id = await statuses.AllocateRemoteIdAsync(published, uri, cancellationToken);
        var mentions = await MentionsAsync(note, cancellationToken);
        var content = RemoteHtml.Sanitize(Ld.String(note, "content") ?? FirstValue(note["contentMap"]) ?? "");
        if (type is not "Note" and not "Question" && Ld.String(note, "name") is { Length: > 0 } title)
        {
            content = $"<p><strong>{System.Net.WebUtility.HtmlEncode(title)}</strong></p>{content}";
        }

        var attachments = Attachments(note, id, author.Id, now);
        var poll = type == "Question" ? Poll(note, id, author.Id, now) : null;
        var status = new StatusRecord
        {
            Id = id,
            AccountId = author.Id,
            Uri = uri,
            Url = Ld.Id(note, "url") is { } url && Ld.Origin(url) is not null ? url : uri,
            Text = RemoteHtml.PlainText(content),
            Content = content,
            SpoilerText = Ld.String(note, "summary") is { } summary ? RemoteHtml.PlainText(summary) : "",
            Sensitive = Ld.Bool(note, "sensitive") ?? false,
            Visibility = visibility,
            Language = note["contentMap"] is JsonObject map ? map.Select(kv => kv.Key).FirstOrDefault() : null,
            InReplyToId = parent?.Id,
            InReplyToAccountId = parent?.AccountId,
            CreatedAt = published,
            EditedAt = Ld.Date(note, "updated"),
            Local = false,
            MediaIds = attachments.Select(a => a.Id).ToList(),
            Mentions = mentions,
            Tags = Hashtags(note),
            PollId = poll?.Id,
            ConversationId = parent is null ? id : parent.ConversationId ?? parent.Id,
        };
        return await statuses.CreateRemoteAsync(status, attachments, poll, cancellationToken);
    }

    /// <summary>Mastodon's reading of addressing: Public in <c>to</c> is public, in <c>cc</c> unlisted; the followers collection alone is private; else direct.</summary>
    public static string VisibilityOf(JsonObject note, AccountRecord author)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(author);
        var to = Ld.Ids(note, "to");
        var cc = Ld.Ids(note, "cc");
        static bool IsPublic(string id) => id is ActivityStreams.PublicCollection or "as:Public" or "Public";
        if (to.Any(IsPublic))
        {
            return Visibility.Public;
        }

        if (cc.Any(IsPublic))
        {
            return Visibility.Unlisted;
        }

        return author.FollowersUrl is { } followers && (to.Contains(followers) || cc.Contains(followers)) ? Visibility.Private : Visibility.Direct;
    }

    private async Task<IReadOnlyList<MentionRecord>> MentionsAsync(JsonObject note, CancellationToken cancellationToken)
    {
        var mentions = new List<MentionRecord>();
        var resolved = 0;
        foreach (var tag in Ld.Objects(note, "tag").Where(t => Ld.Type(t) == "Mention"))
        {
            if (Ld.String(tag, "href") is not { } href || mentions.Any(m => m.Url == href))
            {
                continue;
            }

            var account = await accounts.FindByUriAsync(href, cancellationToken);
            if (account is null && resolved++ < MaxResolvedMentions)
            {
                account = await resolver.ResolveActorAsync(href, refresh: false, cancellationToken);
            }

            if (account is not null && mentions.All(m => m.AccountId != account.Id))
            {
                mentions.Add(new MentionRecord(account.Id, account.Username, account.IsLocal ? account.Username : $"{account.Username}@{account.Domain}", account.Url));
            }
        }

        return mentions;
    }

    private static List<string> Hashtags(JsonObject note) =>
        Ld.Objects(note, "tag")
            .Where(t => Ld.Type(t) == "Hashtag")
            .Select(t => Ld.String(t, "name")?.TrimStart('#').ToLowerInvariant())
            .OfType<string>()
            .Where(n => n.Length is > 0 and <= 100)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private List<MediaAttachmentRecord> Attachments(JsonObject note, string statusId, string accountId, DateTimeOffset now)
    {
        var list = new List<MediaAttachmentRecord>();
        foreach (var attachment in Ld.Objects(note, "attachment").Take(MaxAttachments))
        {
            var url = Ld.Id(attachment, "url");
            if (Ld.Origin(url) is null)
            {
                continue;
            }

            var mediaType = Ld.String(attachment, "mediaType") ?? "";
            var focal = attachment["focalPoint"] as JsonArray;
            list.Add(new MediaAttachmentRecord
            {
                Id = ids.NextString(),
                AccountId = accountId,
                StatusId = statusId,
                Type = mediaType.StartsWith("image/", StringComparison.Ordinal) ? (mediaType == "image/gif" ? "gifv" : "image")
                    : mediaType.StartsWith("video/", StringComparison.Ordinal) ? "video"
                    : mediaType.StartsWith("audio/", StringComparison.Ordinal) ? "audio"
                    : Ld.Type(attachment) == "Image" ? "image" : "unknown",
                State = MediaStates.Ready,
                ContentType = mediaType.Length > 0 ? mediaType : "application/octet-stream",
                RemoteUrl = url,
                Description = Ld.String(attachment, "name") is { } name ? RemoteHtml.PlainText(name) : null,
                Blurhash = Ld.String(attachment, "blurhash"),
                Width = attachment["width"] is JsonValue w && w.TryGetValue<int>(out var width) ? width : null,
                Height = attachment["height"] is JsonValue h && h.TryGetValue<int>(out var height) ? height : null,
                FocusX = focal is { Count: 2 } && focal[0] is JsonValue fx && fx.TryGetValue<double>(out var x) ? x : null,
                FocusY = focal is { Count: 2 } && focal[1] is JsonValue fy && fy.TryGetValue<double>(out var y) ? y : null,
                CreatedAt = now,
            });
        }

        return list;
    }

    private PollRecord? Poll(JsonObject question, string statusId, string accountId, DateTimeOffset now)
    {
        var multiple = question["anyOf"] is JsonArray;
        var options = Ld.Objects(question, multiple ? "anyOf" : "oneOf")
            .Select(o => new PollOptionRecord(Ld.String(o, "name") ?? "", (o["replies"] as JsonObject)?["totalItems"] is JsonValue t && t.TryGetValue<long>(out var n) ? n : 0))
            .Where(o => o.Title.Length > 0)
            .ToList();
        if (options.Count == 0)
        {
            return null;
        }

        var votes = options.Sum(o => o.VotesCount);
        return new PollRecord
        {
            Id = ids.NextString(),
            StatusId = statusId,
            AccountId = accountId,
            Options = options,
            Multiple = multiple,
            ExpiresAt = Ld.Date(question, "endTime") ?? Ld.Date(question, "closed"),
            VotesCount = votes,
            VotersCount = question["votersCount"] is JsonValue v && v.TryGetValue<long>(out var voters) ? voters : votes,
            CreatedAt = now,
        };
    }

    private static string? FirstValue(JsonNode? map) =>
        map is JsonObject obj ? obj.Select(kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored {Uri}: attributed to {Author}, from another origin")]
    private static partial void LogForeignObject(ILogger logger, string uri, string? author);
}
