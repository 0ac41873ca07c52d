using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Source-generated serialisation of the accounts area's entities (relationships, familiar followers, preferences), in Mastodon's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Relationship))]
[JsonSerializable(typeof(List<Relationship>))]
[JsonSerializable(typeof(List<FamiliarFollowers>))]
[JsonSerializable(typeof(Preferences))]
public sealed partial class AccountsJsonContext : JsonSerializerContext;
