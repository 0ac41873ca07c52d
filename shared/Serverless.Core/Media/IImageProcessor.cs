namespace Serverless.Core.Media;

/// <summary>
/// The image port: decodes an upload and writes the copies that are served. The implementation
/// (SkiaSharp, in Serverless.Media) lives outside Core so that its native library does not.
/// </summary>
public interface IImageProcessor
{
    /// <summary>
    /// Decodes <paramref name="source"/> (of the sniffed <paramref name="format"/>), applies its EXIF
    /// orientation, and returns a web-sized copy bounded to <see cref="ImageLimits.OriginalPixels"/>
    /// and a preview bounded to <see cref="ImageLimits.SmallPixels"/>, both re-encoded so that no
    /// EXIF, GPS or XMP metadata survives, with the preview's blurhash.
    /// </summary>
    /// <exception cref="MediaProcessingException">The file cannot be decoded or is too large.</exception>
    ProcessedImage Process(Stream source, SniffedMedia format);

    /// <summary>Only the preview and blurhash: for the thumbnail of a video or an audio file.</summary>
    /// <exception cref="MediaProcessingException">The file cannot be decoded or is too large.</exception>
    ProcessedRendition ProcessThumbnail(Stream source, SniffedMedia format);
}

/// <summary>One encoded copy of an image.</summary>
public sealed record ProcessedRendition(byte[] Content, string ContentType, string Extension, int Width, int Height, string? Blurhash);

/// <summary>The served copy (<see cref="File"/>) and the preview (<see cref="Small"/>) of an image.</summary>
/// <param name="Animated">True for an animated GIF, kept as a GIF (with its metadata blocks removed) rather than re-encoded.</param>
public sealed record ProcessedImage(ProcessedRendition File, ProcessedRendition Small, bool Animated);

/// <summary>A file that cannot be processed: not decodable, or beyond the limits. Retrying does not help.</summary>
public sealed class MediaProcessingException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Mastodon's limits for images (app/models/media_attachment.rb and concerns/attachmentable.rb).</summary>
public static class ImageLimits
{
    /// <summary>The served copy is scaled down to this area: 3840 × 2160.</summary>
    public const long OriginalPixels = 8_294_400;

    /// <summary>The preview: 640 × 360.</summary>
    public const long SmallPixels = 230_400;

    /// <summary>The largest image accepted at all: 7680 × 4320.</summary>
    public const long MaxPixels = 33_177_600;

    /// <summary>The largest GIF accepted: 1280 × 720 (Mastodon turns GIFs into video; we keep them, so they stay small).</summary>
    public const long MaxGifPixels = 921_600;

    public const long ImageBytes = 16 * 1024 * 1024;

    public const long VideoBytes = 99 * 1024 * 1024;

    /// <summary>
    /// The largest size within <paramref name="maxPixels"/> with the same aspect ratio, never larger than the source.
    /// </summary>
    public static (int Width, int Height) Fit(int width, int height, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((long)width * height <= maxPixels)
        {
            return (width, height);
        }

        var scale = Math.Sqrt((double)maxPixels / ((double)width * height));
        var w = Math.Max(1, (int)Math.Floor(width * scale));
        var h = Math.Max(1, (int)Math.Floor(height * scale));
        return (w, h);
    }
}
