namespace Serverless.Core.Media;

/// <summary>Where media files live in the media store.</summary>
public static class MediaKeys
{
    /// <summary>
    /// Uploads as they came (with whatever EXIF and GPS tags they carry) wait here for processing.
    /// Nothing under this prefix is ever served.
    /// </summary>
    public const string PrivatePrefix = "incoming/";

    public static string Upload(string mediaId) => $"{PrivatePrefix}{mediaId}/file";

    public static string UploadThumbnail(string mediaId) => $"{PrivatePrefix}{mediaId}/thumbnail";

    /// <summary>Whether a key may be served over HTTP.</summary>
    public static bool IsPublic(string key) => !key.StartsWith(PrivatePrefix, StringComparison.Ordinal);

    /// <summary>The sniffed format a stored content type stands for; null for types we never store.</summary>
    public static SniffedMedia? FormatOf(string contentType) => contentType switch
    {
        "image/jpeg" => MediaSniffer.Jpeg,
        "image/png" => MediaSniffer.Png,
        "image/gif" => MediaSniffer.Gif,
        "image/webp" => MediaSniffer.WebP,
        "video/mp4" => MediaSniffer.Mp4,
        "video/quicktime" => MediaSniffer.QuickTime,
        "video/webm" => MediaSniffer.WebM,
        "audio/ogg" => MediaSniffer.Ogg,
        "audio/mpeg" => MediaSniffer.Mp3,
        "audio/wav" => MediaSniffer.Wav,
        "audio/flac" => MediaSniffer.Flac,
        "audio/mp4" => MediaSniffer.M4a,
        _ => null,
    };
}
