using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.OAuth;

/// <summary>
/// Brute-force protection for the sign-in form: failed attempts are counted in a fixed window in
/// store-backed documents (one per account or login name, one per client address), so the limit
/// holds across every Functions instance. Once a counter reaches its limit, sign-in is refused
/// until the window closes, whether or not the password would have been right.
/// </summary>
public sealed class SignInThrottle(IDocumentStore store, TimeProvider time)
{
    /// <summary>Failures allowed per account (or unknown login name) in a window.</summary>
    public const int AccountLimit = 5;

    /// <summary>Failures allowed per client address in a window: higher, as many people may share one address.</summary>
    public const int AddressLimit = 20;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>The counter of an account, or of a login name that matches no account (hashed, so nothing is revealed or stored in clear).</summary>
    public static string AccountKey(string? accountId, string login) =>
        accountId is not null ? "throttle:account:" + accountId : "throttle:login:" + Secrets.Hash(login.Trim().ToLowerInvariant());

    public static string AddressKey(string address) => "throttle:ip:" + Secrets.Hash(address);

    /// <summary>How long sign-in stays refused for these counters; null when it is allowed.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string accountKey, string addressKey, CancellationToken cancellationToken)
    {
        var docs = await store.ReadManyAsync(
            Containers.OAuth,
            [new DocumentKey(accountKey, accountKey), new DocumentKey(addressKey, addressKey)],
            OAuthStoreJsonContext.Default.SignInThrottleRecord,
            cancellationToken);
        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var doc in docs)
        {
            var limit = doc.Id == accountKey ? AccountLimit : AddressLimit;
            if (doc.Value.ExpiresAt > now && doc.Value.Failures >= limit)
            {
                var left = doc.Value.ExpiresAt - now;
                wait = wait is null || left > wait ? left : wait;
            }
        }

        return wait;
    }

    /// <summary>Counts one failed attempt on both counters.</summary>
    public async Task RecordFailureAsync(string accountKey, string addressKey, CancellationToken cancellationToken)
    {
        await CountAsync(accountKey, cancellationToken);
        await CountAsync(addressKey, cancellationToken);
    }

    private async Task CountAsync(string key, CancellationToken cancellationToken)
    {
        var type = OAuthStoreJsonContext.Default.SignInThrottleRecord;

        // Optimistic concurrency: another instance may create, reset or count the same document at once.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.GetUtcNow();
            var fresh = new SignInThrottleRecord { Id = key, Failures = 1, WindowStartedAt = now, ExpiresAt = now + Window };
            var doc = await store.ReadAsync(Containers.OAuth, key, key, type, cancellationToken);
            try
            {
                if (doc is null)
                {
                    await store.CreateAsync(Containers.OAuth, key, key, fresh, type, cancellationToken);
                }
                else if (doc.Value.ExpiresAt <= now)
                {
                    await store.ReplaceAsync(Containers.OAuth, key, key, fresh, type, doc.ETag, cancellationToken);
                }
                else
                {
                    await store.PatchAsync(Containers.OAuth, key, key, [PatchOperation.Increment("/failures", 1)], ifMatch: null, cancellationToken);
                }

                return;
            }
            catch (DocumentStoreException ex) when (ex is DocumentConflictException or DocumentPreconditionFailedException or DocumentNotFoundException)
            {
                // Lost a race: read again and retry.
            }
        }
    }
}
