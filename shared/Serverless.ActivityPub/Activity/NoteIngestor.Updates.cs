using System.Text.Json.Nodes;
using Serverless.ActivityPub.Content;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>Edits of remote statuses: an <c>Update</c>'s Note or Question read as the new state of the status.</summary>
public sealed partial class NoteIngestor
{
    /// <summary>
    /// Applies an updated Note (or Question) from <paramref name="sender"/>, its author: content re-sanitised,
    /// mentions, hashtags, attachments and poll read again. An update of a status we never stored is taken
    /// as its creation (Create and Update may arrive out of order); one of a deleted status is ignored.
    /// </summary>
    public async Task<StatusRecord?> UpdateAsync(JsonObject note, AccountRecord sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(sender);
        var uri = Ld.String(note, "id");
        var type = Ld.Type(note);
        if (uri is null || type is null || !ObjectTypes.Contains(type))
        {
            return null;
        }

        if (!Ld.SameOrigin(uri, sender.Uri) || (Ld.Id(note, "attributedTo") is { } author && author != sender.Uri))
        {
            throw new ForbiddenException("Only the author can update a status");
        }

        var status = await statuses.FindByUriAsync(uri, cancellationToken);
        if (status is null)
        {
            return await statuses.KnowsUriAsync(uri, cancellationToken) ? null : await IngestAsync(note, sender, cancellationToken);
        }

        if (status.Local || status.ReblogOfId is not null)
        {
            return null;
        }

        if (status.AccountId != sender.Id)
        {
            throw new ForbiddenException("Only the author can update a status");
        }

        var now = time.GetUtcNow();
        var content = RemoteHtml.Sanitize(Ld.String(note, "content") ?? FirstValue(note["contentMap"]) ?? "");
        if (type is not "Note" and not "Question" && Ld.String(note, "name") is { Length: > 0 } title)
        {
            content = $"<p><strong>{System.Net.WebUtility.HtmlEncode(title)}</strong></p>{content}";
        }

        var edit = new StatusService.RemoteEdit
        {
            Text = RemoteHtml.PlainText(content),
            Content = content,
            SpoilerText = Ld.String(note, "summary") is { } summary ? RemoteHtml.PlainText(summary) : "",
            Sensitive = Ld.Bool(note, "sensitive") ?? false,
            Language = note["contentMap"] is JsonObject map ? map.Select(kv => kv.Key).FirstOrDefault() : null,
            Attachments = Attachments(note, status.Id, sender.Id, now),
            Poll = type == "Question" ? Poll(note, status.Id, sender.Id, now) : null,
            Mentions = await MentionsAsync(note, cancellationToken),
            Tags = Hashtags(note),
            EditedAt = Ld.Date(note, "updated"),
        };
        return await statuses.EditRemoteAsync(status, edit, cancellationToken);
    }
}
