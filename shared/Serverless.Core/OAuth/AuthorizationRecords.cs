namespace Serverless.Core.OAuth;

/// <summary>
/// An authorization code, stored under the SHA-256 of the code (the code itself is never stored),
/// bound to the client, the redirect URI, the scopes, the account and the PKCE challenge.
/// Partition and id: <c>code:{hash}</c>. Deleted (ETag-conditionally) when redeemed, so it works once.
/// </summary>
public sealed record AuthorizationCodeRecord
{
    public required string Id { get; init; }

    public required string ApplicationId { get; init; }

    public required string ClientId { get; init; }

    public required string AccountId { get; init; }

    public required string RedirectUri { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The PKCE challenge (RFC 7636), when the client sent one; always S256.</summary>
    public string? CodeChallenge { get; init; }

    public string? CodeChallengeMethod { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public static string Key(string codeHash) => "code:" + codeHash;
}

/// <summary>
/// A browser's sign-in on the authorization page, stored under the SHA-256 of the session cookie.
/// Partition and id: <c>session:{hash}</c>.
/// </summary>
public sealed record SignInSessionRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public static string Key(string sessionHash) => "session:" + sessionHash;
}

/// <summary>
/// Failed sign-ins counted in a fixed window, per account (or per login name that matches no
/// account) and per client address, so that every Functions instance sees the same count.
/// Partition and id: <c>throttle:{kind}:{hash}</c>.
/// </summary>
public sealed record SignInThrottleRecord
{
    public required string Id { get; init; }

    public required long Failures { get; init; }

    public required DateTimeOffset WindowStartedAt { get; init; }

    /// <summary>When the window closes and the count no longer applies.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>
/// A server-side secret, created once and shared by every instance: the key that signs the
/// anti-forgery tokens of the sign-in and consent forms. Partition and id: <c>key:{purpose}</c>.
/// </summary>
public sealed record SigningKeyRecord
{
    public required string Id { get; init; }

    /// <summary>Base64 of 32 random bytes.</summary>
    public required string Key { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
