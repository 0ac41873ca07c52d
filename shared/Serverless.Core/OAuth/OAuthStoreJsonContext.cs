using System.Text.Json.Serialization;

namespace Serverless.Core.OAuth;

/// <summary>
/// Source-generated serialisation of the sign-in and authorization records, with the same options
/// as <see cref="Json.StoreJsonContext"/> (kept apart so that the OAuth area does not edit the shared context).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuthorizationCodeRecord))]
[JsonSerializable(typeof(SignInSessionRecord))]
[JsonSerializable(typeof(SignInThrottleRecord))]
[JsonSerializable(typeof(SigningKeyRecord))]
public sealed partial class OAuthStoreJsonContext : JsonSerializerContext;
