using Serverless.Core.Errors;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Media;

/// <summary>Media attachments: attaching uploads to statuses. (Uploading and processing live beside it.)</summary>
public sealed partial class MediaService(IDocumentStore store)
{
    public const int MaxAttachments = 4;

    /// <summary>
    /// Checks that every id is an upload of <paramref name="accountId"/> not yet used by another
    /// status, and marks them as belonging to <paramref name="statusId"/>. Returns them in the order given.
    /// </summary>
    public async Task<IReadOnlyList<MediaAttachmentRecord>> AttachAsync(string accountId, IReadOnlyList<string> mediaIds, string statusId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediaIds);
        if (mediaIds.Count == 0)
        {
            return [];
        }

        if (mediaIds.Count > MaxAttachments)
        {
            throw new ValidationFailedException($"Validation failed: Media attachments can't be more than {MaxAttachments}");
        }

        var docs = await store.ReadManyAsync(Containers.Media, mediaIds.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList(), StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        var byId = docs.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var attached = new List<MediaAttachmentRecord>(mediaIds.Count);
        foreach (var id in mediaIds)
        {
            if (!byId.TryGetValue(id, out var doc) || doc.Value.AccountId != accountId || (doc.Value.StatusId is not null && doc.Value.StatusId != statusId))
            {
                throw new ValidationFailedException("Validation failed: Media attachments are invalid or already used");
            }

            attached.Add(doc.Value);
        }

        foreach (var doc in docs)
        {
            // The ETag makes two statuses racing for the same upload fail cleanly instead of sharing it.
            await store.PatchAsync(Containers.Media, doc.Id, doc.Id, [PatchOperation.Set("/statusId", System.Text.Json.Nodes.JsonValue.Create(statusId))], doc.ETag, cancellationToken);
        }

        return attached.Select(m => m with { StatusId = statusId }).ToList();
    }
}
