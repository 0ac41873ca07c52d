using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Serialisation of the safety area's responses (the domain blocks list).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class SafetyJsonContext : JsonSerializerContext;
