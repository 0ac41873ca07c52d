using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Preferences entity (<c>GET /api/v1/preferences</c>); its keys have colons, so they are named explicitly.</summary>
public sealed record Preferences
{
    [JsonPropertyName("posting:default:visibility")]
    public required string PostingDefaultVisibility { get; init; }

    [JsonPropertyName("posting:default:sensitive")]
    public bool PostingDefaultSensitive { get; init; }

    [JsonPropertyName("posting:default:language")]
    public string? PostingDefaultLanguage { get; init; }

    [JsonPropertyName("reading:expand:media")]
    public string ReadingExpandMedia { get; init; } = "default";

    [JsonPropertyName("reading:expand:spoilers")]
    public bool ReadingExpandSpoilers { get; init; }

    [JsonPropertyName("reading:autoplay:gifs")]
    public bool ReadingAutoplayGifs { get; init; }
}
