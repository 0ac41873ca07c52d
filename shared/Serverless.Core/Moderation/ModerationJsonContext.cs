using System.Text.Json.Serialization;

namespace Serverless.Core.Moderation;

/// <summary>Source-generated serialisation of the moderation area's stored records and messages (camelCase, as <see cref="Json.StoreJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DomainBlockRecord))]
[JsonSerializable(typeof(DomainAllowRecord))]
[JsonSerializable(typeof(RuleRecord))]
[JsonSerializable(typeof(AccountIndexEntry))]
[JsonSerializable(typeof(PurgeMessage))]
public sealed partial class ModerationJsonContext : JsonSerializerContext;
