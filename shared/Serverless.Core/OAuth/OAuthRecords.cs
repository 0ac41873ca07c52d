namespace Serverless.Core.OAuth;

/// <summary>A registered client application. Partition and id: <c>app:{client_id}</c>.</summary>
public sealed record ApplicationRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Website { get; init; }

    public required IReadOnlyList<string> RedirectUris { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Kept in clear: Mastodon returns it again from <c>apps/verify_credentials</c> and clients present it.</summary>
    public required string ClientSecret { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public static string Key(string clientId) => "app:" + clientId;
}

/// <summary>
/// An access token, stored under the SHA-256 of the token (the token itself is never stored).
/// Partition and id: <c>token:{hash}</c>.
/// </summary>
public sealed record AccessTokenRecord
{
    public required string Id { get; init; }

    public required string ApplicationId { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Null for an app-only token (client_credentials).</summary>
    public string? AccountId { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public static string Key(string tokenHash) => "token:" + tokenHash;
}
