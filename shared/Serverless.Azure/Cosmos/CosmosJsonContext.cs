using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Serverless.Azure.Cosmos;

/// <summary>Source-generated metadata for the raw JSON the Cosmos store handles itself (a patched record written back).</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CosmosJsonContext : JsonSerializerContext;
