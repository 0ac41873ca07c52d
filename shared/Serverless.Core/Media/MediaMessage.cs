using System.Text.Json.Serialization;

namespace Serverless.Core.Media;

/// <summary>The <c>media</c> queue's message: process this upload.</summary>
public sealed record MediaMessage(string MediaAttachmentId);

/// <summary>Source-generated JSON for the media queue's messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MediaMessage))]
public sealed partial class MediaJsonContext : JsonSerializerContext;
