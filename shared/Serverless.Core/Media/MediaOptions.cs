namespace Serverless.Core.Media;

/// <summary>
/// When <c>POST /api/v2/media</c> processes an image inline (answering 200 with its URL, as
/// Mastodon does for images) rather than on the <c>media</c> queue (answering 202). Large images
/// go to the queue so that an HTTP request never spends seconds decoding 30 megapixels.
/// </summary>
public sealed record MediaOptions
{
    public long InlineMaxBytes { get; init; } = 1024 * 1024;

    public long InlineMaxPixels { get; init; } = 1024 * 1024;
}
