using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Filter entity (v2), with its keywords and statuses.</summary>
public sealed record FilterEntity
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required List<string> Context { get; init; }
    public string? ExpiresAt { get; init; }
    public required string FilterAction { get; init; }
    public required List<FilterKeywordEntity> Keywords { get; init; }
    public required List<FilterStatusEntity> Statuses { get; init; }
}

/// <summary>Mastodon's FilterKeyword.</summary>
public sealed record FilterKeywordEntity(string Id, string Keyword, bool WholeWord);

/// <summary>Mastodon's FilterStatus.</summary>
public sealed record FilterStatusEntity(string Id, string StatusId);

/// <summary>Mastodon's V1::Filter: one keyword of a filter, seen as a filter of its own.</summary>
public sealed record V1FilterEntity
{
    public required string Id { get; init; }
    public required string Phrase { get; init; }
    public required List<string> Context { get; init; }
    public bool WholeWord { get; init; }
    public string? ExpiresAt { get; init; }
    public bool Irreversible { get; init; }
}

/// <summary>Mastodon's FeaturedTag.</summary>
public sealed record FeaturedTagEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Url { get; init; }
    public long StatusesCount { get; init; }
    public string? LastStatusAt { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FilterEntity))]
[JsonSerializable(typeof(List<FilterEntity>))]
[JsonSerializable(typeof(FilterKeywordEntity))]
[JsonSerializable(typeof(List<FilterKeywordEntity>))]
[JsonSerializable(typeof(FilterStatusEntity))]
[JsonSerializable(typeof(List<FilterStatusEntity>))]
[JsonSerializable(typeof(V1FilterEntity))]
[JsonSerializable(typeof(List<V1FilterEntity>))]
[JsonSerializable(typeof(FeaturedTagEntity))]
[JsonSerializable(typeof(List<FeaturedTagEntity>))]
[JsonSerializable(typeof(TagEntity))]
[JsonSerializable(typeof(List<TagEntity>))]
[JsonSerializable(typeof(EmptyObject))]
public sealed partial class FiltersJsonContext : JsonSerializerContext;
