using System.Collections.Concurrent;
using System.Security.Cryptography;
using Serverless.Core.Storage;

namespace Serverless.Core.OAuth;

/// <summary>
/// Server-side HMAC keys, one per purpose, created on first use and kept in the store so that every
/// instance signs and checks with the same key. Cached for the life of the process.
/// </summary>
public sealed class SigningKeys(IDocumentStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (_cache.TryGetValue(purpose, out var cached))
        {
            return cached;
        }

        var id = "key:" + purpose;
        var type = OAuthStoreJsonContext.Default.SigningKeyRecord;
        var doc = await store.ReadAsync(Containers.OAuth, id, id, type, cancellationToken);
        if (doc is null)
        {
            var record = new SigningKeyRecord { Id = id, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), CreatedAt = time.GetUtcNow() };
            try
            {
                await store.CreateAsync(Containers.OAuth, id, id, record, type, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                // Another instance made it first: use theirs.
            }

            doc = await store.ReadAsync(Containers.OAuth, id, id, type, cancellationToken)
                ?? throw new InvalidOperationException($"The signing key '{purpose}' could not be stored.");
        }

        var key = Convert.FromBase64String(doc.Value.Key);
        _cache[purpose] = key;
        return key;
    }
}
