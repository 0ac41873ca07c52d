using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Source-generated serialisation of the statuses area's entities, in Mastodon's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<StatusEdit>))]
[JsonSerializable(typeof(StatusSource))]
[JsonSerializable(typeof(Context))]
[JsonSerializable(typeof(ScheduledStatus))]
[JsonSerializable(typeof(List<ScheduledStatus>))]
public sealed partial class StatusesJsonContext : JsonSerializerContext;
