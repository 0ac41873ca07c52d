using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.Core.Media;

/// <summary>
/// Media attachments: uploads (checked by content, stored as they came, processed inline or on the
/// <c>media</c> queue), their descriptions and focal points, deletion, and attaching them to statuses.
/// </summary>
/// <remarks>
/// An upload is stored privately under <see cref="MediaKeys.Upload"/> and never served: it may
/// carry EXIF and GPS tags. Processing writes the served copies under fresh random keys
/// (<c>media_attachments/files/{id}/{token}.{ext}</c>), marks the record ready and then deletes
/// the upload, so that a redelivered message finds the record ready and does nothing.
/// </remarks>
public sealed partial class MediaService
{
    public const int MaxAttachments = 4;

    public const int MaxDescriptionLength = 1500;

    /// <summary>Deliveries of a <c>media</c> message after which an unexpected failure marks the upload failed.</summary>
    public const int MaxProcessingAttempts = 5;

    private readonly IDocumentStore _store;
    private readonly IMediaStore? _files;
    private readonly IWorkQueue? _queue;
    private readonly SnowflakeIds? _ids;
    private readonly TimeProvider _time;
    private readonly IImageProcessor? _images;
    private readonly MediaOptions _options;
    private readonly ILogger _logger;

    /// <summary>Only <see cref="AttachAsync"/> works with this one (for callers that attach and never upload).</summary>
    public MediaService(IDocumentStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = TimeProvider.System;
        _options = new MediaOptions();
        _logger = NullLogger.Instance;
    }

    public MediaService(IDocumentStore store, IMediaStore files, IWorkQueue queue, SnowflakeIds ids, TimeProvider time, IImageProcessor images, MediaOptions options, ILogger<MediaService> logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _files = files ?? throw new ArgumentNullException(nameof(files));
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _ids = ids ?? throw new ArgumentNullException(nameof(ids));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _images = images ?? throw new ArgumentNullException(nameof(images));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    private IMediaStore Files => _files ?? throw new InvalidOperationException("This MediaService was built without a media store.");

    private IImageProcessor Images => _images ?? throw new InvalidOperationException("This MediaService was built without an image processor.");

    /// <summary>One uploaded file: its length and a way to open it (more than once) from the start.</summary>
    public sealed record UploadedFile(long Length, Func<Stream> Open);

    /// <summary>What a client uploaded.</summary>
    public sealed record NewMedia(UploadedFile? File, UploadedFile? Thumbnail, string? Description, string? Focus);

    /// <summary>How an upload is processed: <see cref="Inline"/> (v1), <see cref="Queued"/>, or inline when the image is small (v2).</summary>
    public enum Processing
    {
        Inline,
        Queued,
        InlineWhenSmall,
    }

    /// <summary>
    /// Checks an upload by its content and the limits, stores it, creates the attachment and
    /// processes it now or through the <c>media</c> queue. The result is ready, or still processing.
    /// </summary>
    public async Task<MediaAttachmentRecord> UploadAsync(string accountId, NewMedia upload, Processing processing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var description = ValidateDescription(upload.Description);
        var focus = ParseFocus(upload.Focus);
        if (upload.File is not { } file || file.Length == 0)
        {
            throw new ValidationFailedException("Validation failed: File can't be blank");
        }

        var format = await CheckFileAsync(file, "File", cancellationToken);
        SniffedMedia? thumbnailFormat = null;
        if (upload.Thumbnail is { Length: > 0 } thumbnail)
        {
            if (format.IsImage)
            {
                throw new ValidationFailedException("Validation failed: Thumbnail must be blank");
            }

            thumbnailFormat = await CheckFileAsync(thumbnail, "Thumbnail", cancellationToken);
            if (!thumbnailFormat.IsImage)
            {
                throw new ValidationFailedException("Validation failed: Thumbnail content type is invalid");
            }
        }

        var id = _ids!.NextString();
        await using (var content = file.Open())
        {
            await Files.PutAsync(MediaKeys.Upload(id), content, format.ContentType, cancellationToken);
        }

        if (thumbnailFormat is not null)
        {
            await using var content = upload.Thumbnail!.Open();
            await Files.PutAsync(MediaKeys.UploadThumbnail(id), content, thumbnailFormat.ContentType, cancellationToken);
        }

        var record = new MediaAttachmentRecord
        {
            Id = id,
            AccountId = accountId,
            Type = format.Type,
            State = MediaStates.Processing,
            ContentType = format.ContentType,
            Description = description,
            FocusX = focus?.X,
            FocusY = focus?.Y,
            Size = file.Length,
            CreatedAt = _time.GetUtcNow(),
        };
        await _store.CreateAsync(Containers.Media, id, id, record, StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);

        var inline = processing == Processing.Inline
            || (processing == Processing.InlineWhenSmall && format.IsImage && file.Length <= _options.InlineMaxBytes && await PixelsAsync(file, format, cancellationToken) <= _options.InlineMaxPixels);
        if (inline)
        {
            try
            {
                return await ProcessAsync(id, cancellationToken) ?? throw new RecordNotFoundException();
            }
            catch (MediaProcessingException ex)
            {
                // Nothing half-written stays behind a refused upload.
                LogUnprocessable(_logger, id, ex.Message);
                await DiscardAsync(record, CancellationToken.None);
                throw new ValidationFailedException("File type of uploaded media could not be verified");
            }
            catch (Exception ex) when (ex is not OperationCanceledException && processing == Processing.InlineWhenSmall)
            {
                // Not the file's fault (storage, say): the queue tries again, and the client polls as for a large file.
                LogInlineFailed(_logger, ex, id);
            }
            catch
            {
                // Synchronous uploads (and any cancelled one) leave nothing behind.
                await DiscardAsync(record, CancellationToken.None);
                throw;
            }
        }

        try
        {
            await _queue!.SendJsonAsync(QueueNames.Media, new MediaMessage(id), MediaJsonContext.Default.MediaMessage, cancellationToken);
        }
        catch
        {
            await DiscardAsync(record, CancellationToken.None);
            throw;
        }

        return record;
    }

    /// <summary>
    /// Processes an upload if it still is processing, and returns the record as it then is (null
    /// when it no longer exists). Idempotent: a ready or failed attachment is returned unchanged.
    /// </summary>
    /// <exception cref="MediaProcessingException">The file cannot be processed; the record is unchanged.</exception>
    public async Task<MediaAttachmentRecord?> ProcessAsync(string id, CancellationToken cancellationToken)
    {
        var doc = await _store.ReadAsync(Containers.Media, id, id, StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        if (doc?.Value is not { } media || media.State != MediaStates.Processing)
        {
            return doc?.Value;
        }

        var format = MediaKeys.FormatOf(media.ContentType) ?? throw new MediaProcessingException($"Unsupported content type {media.ContentType}.");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var folder = $"media_attachments/files/{id}/{token}";
        MediaAttachmentRecord processed;
        await using (var upload = await Files.OpenReadAsync(MediaKeys.Upload(id), cancellationToken) ?? throw new MediaProcessingException("The uploaded file is missing."))
        {
            if (format.IsImage)
            {
                var image = Images.Process(upload.Content, format);
                var fileKey = $"{folder}/original.{image.File.Extension}";
                var smallKey = $"{folder}/small.{image.Small.Extension}";
                await PutAsync(fileKey, image.File.Content, image.File.ContentType, cancellationToken);
                await PutAsync(smallKey, image.Small.Content, image.Small.ContentType, cancellationToken);
                processed = media with
                {
                    State = MediaStates.Ready,
                    ContentType = image.File.ContentType,
                    FileKey = fileKey,
                    PreviewKey = smallKey,
                    Width = image.File.Width,
                    Height = image.File.Height,
                    PreviewWidth = image.Small.Width,
                    PreviewHeight = image.Small.Height,
                    Blurhash = image.Small.Blurhash,
                    Size = image.File.Content.LongLength,
                    Error = null,
                };
            }
            else
            {
                // Video and audio are served as uploaded: there is no transcoder here, so no MP4 conversion and no metadata stripping.
                var fileKey = $"{folder}/original.{format.Extension}";
                await Files.PutAsync(fileKey, upload.Content, format.ContentType, cancellationToken);
                processed = media with { State = MediaStates.Ready, FileKey = fileKey, Error = null };
                await using var thumbnail = await Files.OpenReadAsync(MediaKeys.UploadThumbnail(id), cancellationToken);
                if (thumbnail is not null && MediaKeys.FormatOf(thumbnail.ContentType) is { IsImage: true } thumbnailFormat && TryThumbnail(thumbnail.Content, thumbnailFormat, id) is { } small)
                {
                    var smallKey = $"{folder}/small.{small.Extension}";
                    await PutAsync(smallKey, small.Content, small.ContentType, cancellationToken);
                    processed = processed with { PreviewKey = smallKey, PreviewWidth = small.Width, PreviewHeight = small.Height, Blurhash = small.Blurhash };
                }
            }
        }

        var saved = await UpdateAsync(id, current => current.State != MediaStates.Processing ? null : current with
        {
            State = processed.State,
            ContentType = processed.ContentType,
            FileKey = processed.FileKey,
            // A thumbnail set by PUT while a video was processing is newer than the one uploaded with it.
            PreviewKey = current.PreviewKey ?? processed.PreviewKey,
            Width = processed.Width,
            Height = processed.Height,
            PreviewWidth = current.PreviewKey is null ? processed.PreviewWidth : current.PreviewWidth,
            PreviewHeight = current.PreviewKey is null ? processed.PreviewHeight : current.PreviewHeight,
            Blurhash = current.PreviewKey is null ? processed.Blurhash : current.Blurhash,
            Size = processed.Size,
            Error = null,
        }, cancellationToken);

        if (saved is null || saved.FileKey != processed.FileKey)
        {
            // Deleted meanwhile, or another delivery finished first: its copies are the ones kept.
            await DeleteQuietlyAsync(processed.FileKey, cancellationToken);
            await DeleteQuietlyAsync(processed.PreviewKey, cancellationToken);
            return saved;
        }

        if (saved.PreviewKey != processed.PreviewKey)
        {
            await DeleteQuietlyAsync(processed.PreviewKey, cancellationToken);
        }

        await DeleteQuietlyAsync(MediaKeys.Upload(id), cancellationToken);
        await DeleteQuietlyAsync(MediaKeys.UploadThumbnail(id), cancellationToken);
        return saved;
    }

    /// <summary>A broken thumbnail costs the video its preview, not the video itself.</summary>
    private ProcessedRendition? TryThumbnail(Stream content, SniffedMedia format, string id)
    {
        try
        {
            return Images.ProcessThumbnail(content, format);
        }
        catch (MediaProcessingException ex)
        {
            LogUnprocessable(_logger, id, "thumbnail: " + ex.Message);
            return null;
        }
    }

    /// <summary>Marks an upload that cannot be processed as failed; clients then get 422 for it.</summary>
    public async Task MarkFailedAsync(string id, string error, CancellationToken cancellationToken)
    {
        await UpdateAsync(id, current => current.State != MediaStates.Processing ? null : current with { State = MediaStates.Failed, Error = error }, cancellationToken);
        await DeleteQuietlyAsync(MediaKeys.Upload(id), cancellationToken);
        await DeleteQuietlyAsync(MediaKeys.UploadThumbnail(id), cancellationToken);
    }

    /// <summary>An upload of the account not yet attached to a status (as Mastodon's media controller finds it); 404 otherwise.</summary>
    public async Task<MediaAttachmentRecord> GetUnattachedAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        var media = await FindAsync(id, cancellationToken);
        return media is not null && media.AccountId == accountId && media.StatusId is null ? media : throw new RecordNotFoundException();
    }

    /// <summary>
    /// Sets the description, focal point and (for video and audio) thumbnail of an unattached
    /// upload; null leaves a value unchanged, "" clears the description.
    /// </summary>
    public async Task<MediaAttachmentRecord> UpdateAsync(string accountId, string id, string? description, string? focus, CancellationToken cancellationToken, UploadedFile? thumbnail = null)
    {
        var media = await GetUnattachedAsync(accountId, id, cancellationToken);
        var operations = new List<PatchOperation>();
        string? replacedPreview = null;
        if (thumbnail is { Length: > 0 })
        {
            if (media.Type is not (MediaTypes.Video or MediaTypes.Audio))
            {
                throw new ValidationFailedException("Validation failed: Thumbnail must be blank");
            }

            var format = await CheckFileAsync(thumbnail, "Thumbnail", cancellationToken);
            if (!format.IsImage)
            {
                throw new ValidationFailedException("Validation failed: Thumbnail content type is invalid");
            }

            ProcessedRendition small;
            try
            {
                await using var stream = thumbnail.Open();
                small = Images.ProcessThumbnail(stream, format);
            }
            catch (MediaProcessingException)
            {
                throw new ValidationFailedException("File type of uploaded media could not be verified");
            }

            var key = $"media_attachments/files/{id}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}/small.{small.Extension}";
            await PutAsync(key, small.Content, small.ContentType, cancellationToken);
            operations.Add(PatchOperation.Set("/previewKey", JsonValue.Create(key)));
            operations.Add(PatchOperation.Set("/previewWidth", JsonValue.Create(small.Width)));
            operations.Add(PatchOperation.Set("/previewHeight", JsonValue.Create(small.Height)));
            operations.Add(PatchOperation.Set("/blurhash", JsonValue.Create(small.Blurhash)));
            replacedPreview = media.PreviewKey;
        }

        if (description is not null)
        {
            var text = ValidateDescription(description);
            operations.Add(PatchOperation.Set("/description", text is null ? null : JsonValue.Create(text)));
            media = media with { Description = text };
        }

        if (!string.IsNullOrEmpty(focus) && ParseFocus(focus) is { } point)
        {
            operations.Add(PatchOperation.Set("/focusX", JsonValue.Create(point.X)));
            operations.Add(PatchOperation.Set("/focusY", JsonValue.Create(point.Y)));
            media = media with { FocusX = point.X, FocusY = point.Y };
        }

        if (operations.Count == 0)
        {
            return media;
        }

        try
        {
            await _store.PatchAsync(Containers.Media, id, id, operations, null, cancellationToken);
        }
        catch (DocumentNotFoundException)
        {
            throw new RecordNotFoundException();
        }

        await DeleteQuietlyAsync(replacedPreview, cancellationToken);
        return await FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException();
    }

    /// <summary>Deletes an upload and its files (Mastodon 4.4's <c>DELETE /api/v1/media/:id</c>); attached media cannot be deleted this way.</summary>
    public async Task DeleteAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        var media = await FindAsync(id, cancellationToken);
        if (media is null || media.AccountId != accountId)
        {
            throw new RecordNotFoundException();
        }

        if (media.StatusId is not null)
        {
            throw new ValidationFailedException("Media attachment is currently used by a status");
        }

        await DiscardAsync(media, cancellationToken);
    }

    /// <summary>
    /// Checks that every id is an upload of <paramref name="accountId"/> not yet used by another
    /// status, and marks them as belonging to <paramref name="statusId"/>. Returns them in the order given.
    /// As Mastodon, refuses a video or audio file together with other media, and uploads that have
    /// not finished processing.
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

        var docs = await _store.ReadManyAsync(Containers.Media, mediaIds.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList(), StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
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

        if (docs.Count > 1 && docs.Any(d => d.Value.Type is MediaTypes.Video or MediaTypes.Audio))
        {
            throw new ValidationFailedException("Cannot attach a video to a post that already contains images");
        }

        if (docs.Any(d => d.Value.State != MediaStates.Ready))
        {
            throw new ValidationFailedException("Cannot attach files that have not finished processing. Try again in a moment!");
        }

        foreach (var doc in docs)
        {
            // The ETag makes two statuses racing for the same upload fail cleanly instead of sharing it.
            await _store.PatchAsync(Containers.Media, doc.Id, doc.Id, [PatchOperation.Set("/statusId", JsonValue.Create(statusId))], doc.ETag, cancellationToken);
        }

        return attached.Select(m => m with { StatusId = statusId }).ToList();
    }

    private async Task<MediaAttachmentRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(id, out _))
        {
            return null;
        }

        var doc = await _store.ReadAsync(Containers.Media, id, id, StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
        return doc?.Value;
    }

    /// <summary>Sniffs a file and checks Mastodon's size and dimension limits.</summary>
    private static async Task<SniffedMedia> CheckFileAsync(UploadedFile file, string field, CancellationToken cancellationToken)
    {
        var head = new byte[MediaSniffer.HeadLength];
        int read;
        await using (var stream = file.Open())
        {
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        }

        if (MediaSniffer.Sniff(head.AsSpan(0, read)) is not { } format || !format.Decodable)
        {
            throw new ValidationFailedException($"Validation failed: {field} content type is invalid");
        }

        var limit = format.IsImage ? ImageLimits.ImageBytes : ImageLimits.VideoBytes;
        if (file.Length > limit)
        {
            throw new ValidationFailedException($"Validation failed: {field} file size must be less than {limit / (1024 * 1024)} MB");
        }

        if (format.IsImage)
        {
            await using var stream = file.Open();
            if (await MediaSniffer.ReadDimensionsAsync(stream, format, cancellationToken) is var (width, height))
            {
                CheckDimensions(width, height, format);
            }
        }

        return format;
    }

    /// <summary>Mastodon's Attachmentable#check_image_dimension, with its wording.</summary>
    public static void CheckDimensions(int width, int height, SniffedMedia format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var pixels = (long)width * height;
        if (format == MediaSniffer.Gif && pixels > ImageLimits.MaxGifPixels)
        {
            throw new ValidationFailedException(string.Create(CultureInfo.InvariantCulture, $"{width}x{height} GIF files are not supported"));
        }

        if (pixels > ImageLimits.MaxPixels)
        {
            throw new ValidationFailedException(string.Create(CultureInfo.InvariantCulture, $"{width}x{height} images are not supported"));
        }
    }

    private static async Task<long> PixelsAsync(UploadedFile file, SniffedMedia format, CancellationToken cancellationToken)
    {
        await using var stream = file.Open();
        return await MediaSniffer.ReadDimensionsAsync(stream, format, cancellationToken) is var (width, height) ? (long)width * height : long.MaxValue;
    }

    private static string? ValidateDescription(string? description)
    {
        if (description is null)
        {
            return null;
        }

        if (description.EnumerateRunes().Count() > MaxDescriptionLength)
        {
            throw new ValidationFailedException($"Validation failed: Description is too long (maximum is {MaxDescriptionLength} characters)");
        }

        return description.Length == 0 ? null : description;
    }

    /// <summary>Mastodon's focal point: "x,y", each from -1.0 (left, bottom) to 1.0 (right, top).</summary>
    private static (double X, double Y)? ParseFocus(string? focus)
    {
        if (string.IsNullOrWhiteSpace(focus))
        {
            return null;
        }

        var parts = focus.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            && x is >= -1 and <= 1 && y is >= -1 and <= 1)
        {
            return (x, y);
        }

        throw new ValidationFailedException("Validation failed: Focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
    }

    /// <summary>Read-modify-write with the ETag, retried when a concurrent patch (a description) got in first. Null from <paramref name="change"/> leaves it.</summary>
    private async Task<MediaAttachmentRecord?> UpdateAsync(string id, Func<MediaAttachmentRecord, MediaAttachmentRecord?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var doc = await _store.ReadAsync(Containers.Media, id, id, StoreJsonContext.Default.MediaAttachmentRecord, cancellationToken);
            if (doc is null)
            {
                return null;
            }

            if (change(doc.Value) is not { } changed)
            {
                return doc.Value;
            }

            try
            {
                await _store.ReplaceAsync(Containers.Media, id, id, changed, StoreJsonContext.Default.MediaAttachmentRecord, doc.ETag, cancellationToken);
                return changed;
            }
            catch (DocumentPreconditionFailedException) when (attempt < 5)
            {
            }
            catch (DocumentNotFoundException)
            {
                return null;
            }
        }
    }

    private async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        await Files.PutAsync(key, stream, contentType, cancellationToken);
    }

    /// <summary>Removes an attachment and every file it may have.</summary>
    private async Task DiscardAsync(MediaAttachmentRecord media, CancellationToken cancellationToken)
    {
        await _store.DeleteAsync(Containers.Media, media.Id, media.Id, null, cancellationToken);
        await DeleteQuietlyAsync(media.FileKey, cancellationToken);
        await DeleteQuietlyAsync(media.PreviewKey, cancellationToken);
        await DeleteQuietlyAsync(MediaKeys.Upload(media.Id), cancellationToken);
        await DeleteQuietlyAsync(MediaKeys.UploadThumbnail(media.Id), cancellationToken);
    }

    private async Task DeleteQuietlyAsync(string? key, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return;
        }

        try
        {
            await Files.DeleteAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover file is harmless; the record is what clients see.
            LogDeleteFailed(_logger, key, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {MediaId} could not be processed: {Reason}")]
    private static partial void LogUnprocessable(ILogger logger, string mediaId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing upload {MediaId} inline failed; it goes to the media queue")]
    private static partial void LogInlineFailed(ILogger logger, Exception exception, string mediaId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete media file {Key}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string key, string reason);
}
