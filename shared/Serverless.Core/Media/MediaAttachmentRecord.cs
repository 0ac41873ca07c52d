namespace Serverless.Core.Media;

/// <summary>
/// An uploaded (or cached remote) media file. Partition and id: the attachment id. Files live in
/// the media store under <see cref="FileKey"/> (the web-sized original) and <see cref="PreviewKey"/>.
/// </summary>
public sealed record MediaAttachmentRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    /// <summary>Null until a status uses it; an attachment belongs to at most one status.</summary>
    public string? StatusId { get; init; }

    /// <summary>Mastodon's types: image, gifv, video, audio, unknown.</summary>
    public required string Type { get; init; }

    /// <summary>processing, ready or failed.</summary>
    public string State { get; init; } = MediaStates.Processing;

    public required string ContentType { get; init; }

    public string? FileKey { get; init; }

    public string? PreviewKey { get; init; }

    /// <summary>Where the file came from, for remote media; null for uploads.</summary>
    public string? RemoteUrl { get; init; }

    public string? Description { get; init; }

    public string? Blurhash { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public int? PreviewWidth { get; init; }

    public int? PreviewHeight { get; init; }

    public double? FocusX { get; init; }

    public double? FocusY { get; init; }

    /// <summary>Seconds, for audio and video.</summary>
    public double? Duration { get; init; }

    public long Size { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Why processing failed, for the logs and the 422 a client gets.</summary>
    public string? Error { get; init; }
}

public static class MediaStates
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
