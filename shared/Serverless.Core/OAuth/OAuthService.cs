using System.Collections.Concurrent;
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

    /// <summary>Revokes a token issued to this client. Unknown tokens are ignored, as RFC 7009 asks.</summary>
    public async Task RevokeAsync(string token, string clientId, CancellationToken cancellationToken)
    {
        var key = AccessTokenRecord.Key(Secrets.Hash(token));
        var doc = await store.ReadAsync(Containers.OAuth, key, key, StoreJsonContext.Default.AccessTokenRecord, cancellationToken);
        if (doc is null || doc.Value.ClientId != clientId)
        {
            return;
        }

        await store.ReplaceAsync(Containers.OAuth, key, key, doc.Value with { RevokedAt = time.GetUtcNow() }, StoreJsonContext.Default.AccessTokenRecord, doc.ETag, cancellationToken);
        _cache.TryRemove(key, out _);
    }
}
