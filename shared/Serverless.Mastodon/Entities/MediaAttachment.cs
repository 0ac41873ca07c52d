namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's MediaAttachment entity.</summary>
public sealed record MediaAttachment
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Url { get; init; }
    public string? PreviewUrl { get; init; }
    public string? RemoteUrl { get; init; }
    public MediaMeta? Meta { get; init; }
    public string? Description { get; init; }
    public string? Blurhash { get; init; }
}

public sealed record MediaMeta
{
    public MediaDimensions? Original { get; init; }
    public MediaDimensions? Small { get; init; }
    public MediaFocus? Focus { get; init; }
}

public sealed record MediaDimensions
{
    public int? Width { get; init; }
    public int? Height { get; init; }
    public string? Size { get; init; }
    public double? Aspect { get; init; }
    public double? Duration { get; init; }
}

public sealed record MediaFocus(double X, double Y);
