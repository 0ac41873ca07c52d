using System.Text.Json.Serialization;

namespace Serverless.Mastodon.OAuth;

/// <summary>RFC 8414 authorization server metadata, with the fields Mastodon 4.3+ serves.</summary>
public sealed record OAuthServerMetadata
{
    public required string Issuer { get; init; }
    public required string ServiceDocumentation { get; init; }
    public required string AuthorizationEndpoint { get; init; }
    public required string TokenEndpoint { get; init; }
    public required string AppRegistrationEndpoint { get; init; }
    public required string RevocationEndpoint { get; init; }
    public required string UserinfoEndpoint { get; init; }
    public required IReadOnlyList<string> ScopesSupported { get; init; }
    public required IReadOnlyList<string> ResponseTypesSupported { get; init; }
    public required IReadOnlyList<string> ResponseModesSupported { get; init; }
    public required IReadOnlyList<string> CodeChallengeMethodsSupported { get; init; }
    public required IReadOnlyList<string> GrantTypesSupported { get; init; }
    public required IReadOnlyList<string> TokenEndpointAuthMethodsSupported { get; init; }
}

/// <summary>The <c>/oauth/userinfo</c> answer (OpenID Connect claims for the <c>profile</c> scope).</summary>
public sealed record OAuthUserinfo(string Iss, string Sub, string Name, string PreferredUsername, string Profile, string Picture);

/// <summary>Source-generated JSON for the OAuth area's entities (snake_case, as Mastodon answers).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OAuthServerMetadata))]
[JsonSerializable(typeof(OAuthUserinfo))]
public sealed partial class OAuthJsonContext : JsonSerializerContext;
