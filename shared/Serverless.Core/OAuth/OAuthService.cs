using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.OAuth;

/// <summary>OAuth 2 applications and tokens, as Mastodon (Doorkeeper) keeps them. Tokens are stored only as hashes.</summary>
public sealed class OAuthService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>Out-of-band redirect: the code is shown to the user instead of redirected.</summary>
    public const string OutOfBand = "urn:ietf:wg:oauth:2.0:oob";

    /// <summary>How long an authorization code can be redeemed (Doorkeeper's default, which Mastodon keeps).</summary>
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(10);

    // Validated tokens are cached briefly: verifying a token is on every request's path.
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (AccessTokenRecord? Token, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<ApplicationRecord> CreateApplicationAsync(string name, string redirectUris, string? scopes, string? website, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ValidationFailedException.ForField("name", "ERR_BLANK", "can't be blank");
        }

        if (name.Length > 60)
        {
            throw ValidationFailedException.ForField("name", "ERR_TOO_LONG", "is too long (maximum is 60 characters)");
        }

        var uris = (redirectUris ?? "").Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (uris.Length == 0)
        {
            throw ValidationFailedException.ForField("redirect_uri", "ERR_BLANK", "can't be blank");
        }

        foreach (var uri in uris)
        {
            // Custom schemes (com.tapbots.Ivory.123:/request_token) are fine; fragments are not.
            if (uri != OutOfBand && (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.Fragment)))
            {
                throw ValidationFailedException.ForField("redirect_uri", "ERR_INVALID", "must be an absolute URI.");
            }
        }

        var scopeList = Scopes.Parse(scopes);
        if (scopeList.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            throw ValidationFailedException.ForField("scopes", "ERR_INVALID", $"'{unknown}' is not a valid scope");
        }

        if (website is { Length: > 0 } && !Uri.TryCreate(website, UriKind.Absolute, out _))
        {
            throw ValidationFailedException.ForField("website", "ERR_INVALID", "is invalid");
        }

        var app = new ApplicationRecord
        {
            Id = ids.NextString(),
            Name = name.Trim(),
            Website = string.IsNullOrWhiteSpace(website) ? null : website,
            RedirectUris = uris,
            Scopes = scopeList,
            ClientId = Secrets.NewToken(),
            ClientSecret = Secrets.NewToken(),
            CreatedAt = time.GetUtcNow(),
        };
        var key = ApplicationRecord.Key(app.ClientId);
        await store.CreateAsync(Containers.OAuth, key, key, app, StoreJsonContext.Default.ApplicationRecord, cancellationToken);
        return app;
    }

    public async Task<ApplicationRecord?> FindApplicationAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || clientId.IndexOfAny(['/', '\\', '?', '#']) >= 0)
        {
            return null;
        }

        var key = ApplicationRecord.Key(clientId);
        var doc = await store.ReadAsync(Containers.OAuth, key, key, StoreJsonContext.Default.ApplicationRecord, cancellationToken);
        return doc?.Value;
    }

    /// <summary>Issues a token and returns it in clear, once; only its hash is stored.</summary>
    public async Task<(string Token, AccessTokenRecord Record)> IssueTokenAsync(ApplicationRecord app, string? accountId, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var token = Secrets.NewToken();
        var key = AccessTokenRecord.Key(Secrets.Hash(token));
        var record = new AccessTokenRecord
        {
            Id = ids.NextString(),
            ApplicationId = app.Id,
            ClientId = app.ClientId,
            AccountId = accountId,
            Scopes = scopes,
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateAsync(Containers.OAuth, key, key, record, StoreJsonContext.Default.AccessTokenRecord, cancellationToken);
        return (token, record);
    }

    /// <summary>Resolves a bearer token; null when unknown or revoked.</summary>
    public async Task<AccessTokenRecord?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var key = AccessTokenRecord.Key(Secrets.Hash(token));
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Token;
        }

        var doc = await store.ReadAsync(Containers.OAuth, key, key, StoreJsonContext.Default.AccessTokenRecord, cancellationToken);
        var valid = doc?.Value is { RevokedAt: null } record ? record : null;
        if (_cache.Count > 100_000)
        {
            _cache.Clear();
        }

        _cache[key] = (valid, now + CacheLifetime);
        return valid;
    }

    /// <summary>
    /// Revokes a token issued to this client. Unknown tokens are ignored, as RFC 7009 asks; a token
    /// of another client is refused (false), as Doorkeeper does.
    /// </summary>
    public async Task<bool> RevokeAsync(string token, string clientId, CancellationToken cancellationToken)
    {
        var key = AccessTokenRecord.Key(Secrets.Hash(token));
        var doc = await store.ReadAsync(Containers.OAuth, key, key, StoreJsonContext.Default.AccessTokenRecord, cancellationToken);
        if (doc is null)
        {
            return true;
        }

        if (doc.Value.ClientId != clientId)
        {
            return false;
        }

        if (doc.Value.RevokedAt is null)
        {
            try
            {
                await store.ReplaceAsync(Containers.OAuth, key, key, doc.Value with { RevokedAt = time.GetUtcNow() }, StoreJsonContext.Default.AccessTokenRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException)
            {
                // Revoked concurrently: the outcome is the same.
            }
        }

        _cache.TryRemove(key, out _);
        return true;
    }

    /// <summary>True when the client secret matches, compared in constant time.</summary>
    public static bool SecretMatches(ApplicationRecord app, string? clientSecret)
    {
        ArgumentNullException.ThrowIfNull(app);
        return clientSecret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(app.ClientSecret), Encoding.UTF8.GetBytes(clientSecret));
    }

    /// <summary>A redirect URI must be exactly one the app registered (custom schemes and the out-of-band URN included).</summary>
    public static bool IsRegisteredRedirectUri(ApplicationRecord app, string? redirectUri)
    {
        ArgumentNullException.ThrowIfNull(app);
        return !string.IsNullOrEmpty(redirectUri) && app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal);
    }

    /// <summary>
    /// Issues an authorization code for a signed-in account and returns it in clear, once; only its
    /// hash is stored, with the client, redirect URI, scopes and PKCE challenge it is bound to.
    /// </summary>
    public async Task<string> CreateAuthorizationCodeAsync(
        ApplicationRecord app,
        string accountId,
        string redirectUri,
        IReadOnlyList<string> scopes,
        string? codeChallenge,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var code = Secrets.NewToken();
        var key = AuthorizationCodeRecord.Key(Secrets.Hash(code));
        var now = time.GetUtcNow();
        var record = new AuthorizationCodeRecord
        {
            Id = key,
            ApplicationId = app.Id,
            ClientId = app.ClientId,
            AccountId = accountId,
            RedirectUri = redirectUri,
            Scopes = scopes,
            CodeChallenge = string.IsNullOrEmpty(codeChallenge) ? null : codeChallenge,
            CodeChallengeMethod = string.IsNullOrEmpty(codeChallenge) ? null : Pkce.S256,
            CreatedAt = now,
            ExpiresAt = now + AuthorizationCodeLifetime,
        };
        await store.CreateAsync(Containers.OAuth, key, key, record, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, cancellationToken);
        return code;
    }

    /// <summary>
    /// Redeems an authorization code once. Returns null (Doorkeeper's <c>invalid_grant</c>) when the
    /// code is unknown, expired, already used, issued to another client or for another redirect URI,
    /// or when the PKCE verifier does not match the challenge.
    /// </summary>
    public async Task<AuthorizationCodeRecord?> RedeemAuthorizationCodeAsync(
        string code,
        string clientId,
        string? redirectUri,
        string? codeVerifier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var key = AuthorizationCodeRecord.Key(Secrets.Hash(code));
        var doc = await store.ReadAsync(Containers.OAuth, key, key, OAuthStoreJsonContext.Default.AuthorizationCodeRecord, cancellationToken);
        if (doc is null)
        {
            return null;
        }

        var grant = doc.Value;
        bool deleted;
        try
        {
            // Single use: only the request whose delete matches the ETag it read gets the grant.
            deleted = await store.DeleteAsync(Containers.OAuth, key, key, doc.ETag, cancellationToken);
        }
        catch (DocumentPreconditionFailedException)
        {
            deleted = false;
        }

        if (!deleted || grant.ExpiresAt <= time.GetUtcNow() || grant.ClientId != clientId || grant.RedirectUri != redirectUri)
        {
            return null;
        }

        if (grant.CodeChallenge is not null)
        {
            return codeVerifier is not null && Pkce.Verify(codeVerifier, grant.CodeChallenge) ? grant : null;
        }

        // A verifier for a grant that had no challenge is as wrong as a wrong verifier.
        return string.IsNullOrEmpty(codeVerifier) ? grant : null;
    }
}

/// <summary>PKCE (RFC 7636) with the S256 method only, as Mastodon supports it ("plain" is refused).</summary>
public static class Pkce
{
    public const string S256 = "S256";

    /// <summary>A verifier is 43 to 128 characters of the unreserved set.</summary>
    public static bool IsValidVerifier(string verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
    }

    public static string Challenge(string verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }

    public static bool Verify(string verifier, string challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return IsValidVerifier(verifier)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(verifier)), Encoding.ASCII.GetBytes(challenge));
    }
}
