using System.Text.Json.Serialization;

namespace Serverless.Mastodon.Entities;

/// <summary>Source-generated serialisation of the client API's entities, in Mastodon's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(CredentialAccount))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(List<Status>))]
[JsonSerializable(typeof(List<Account>))]
[JsonSerializable(typeof(Application))]
[JsonSerializable(typeof(Token))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ValidationError))]
[JsonSerializable(typeof(InstanceV1))]
[JsonSerializable(typeof(InstanceV2))]
[JsonSerializable(typeof(MediaAttachment))]
[JsonSerializable(typeof(Poll))]
public sealed partial class MastodonJsonContext : JsonSerializerContext;
