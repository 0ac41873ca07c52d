namespace Serverless.Mastodon.Entities;

/// <summary>The Application entity; <see cref="ClientId"/> and <see cref="ClientSecret"/> only when registering or verifying.</summary>
public sealed record Application
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Website { get; init; }
    public required List<string> Scopes { get; init; }
    public required List<string> RedirectUris { get; init; }
    public required string RedirectUri { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public long? ClientSecretExpiresAt { get; init; }

    /// <summary>Deprecated in Mastodon, still read by older clients.</summary>
    public string? VapidKey { get; init; }
}

/// <summary>The OAuth token response.</summary>
public sealed record Token(string AccessToken, string TokenType, string Scope, long CreatedAt);

/// <summary>A Mastodon error body: <c>{"error": …, "error_description": …}</c>.</summary>
public sealed record ErrorBody(
    string Error,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription);

/// <summary>A validation error body with per-field details, as registration answers.</summary>
public sealed record ValidationError(string Error, Dictionary<string, List<ValidationDetail>> Details);

public sealed record ValidationDetail(string Error, string Description);
