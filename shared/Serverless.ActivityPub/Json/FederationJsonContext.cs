using System.Text.Json.Serialization;

namespace Serverless.ActivityPub.Json;

/// <summary>Source-generated JSON for the federation adapter's stored records and queue messages (camelCase, as the store's).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InstanceActorRecord))]
public sealed partial class FederationJsonContext : JsonSerializerContext;
