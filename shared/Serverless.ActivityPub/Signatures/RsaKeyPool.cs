using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Serverless.ActivityPub.Signatures;

/// <summary>
/// RSA keys imported from PEM, kept per PEM string so that a delivery or an inbox POST does not pay
/// for a PEM import each time. .NET does not promise that one <see cref="RSA"/> instance may sign
/// or verify on several threads at once, so each PEM has a small pool of instances: a caller rents
/// one, uses it alone, and returns it. The cache is bounded; evicted pools dispose their instances.
/// </summary>
public static class RsaKeyPool
{
    /// <summary>Distinct public keys kept (remote actors' keys).</summary>
    public const int PublicKeyCapacity = 4096;

    /// <summary>Distinct private keys kept (local accounts that deliver).</summary>
    public const int PrivateKeyCapacity = 1024;

    private static readonly ConcurrentDictionary<string, Pool> PublicKeys = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Pool> PrivateKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// Rents the key in <paramref name="pem"/> (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c>, or a private key's
    /// public half). Throws <see cref="CryptographicException"/> or <see cref="ArgumentException"/> when it is not an RSA key.
    /// </summary>
    public static RsaLease RentPublic(string pem) => Rent(PublicKeys, PublicKeyCapacity, pem);

    /// <summary>Rents the private key in <paramref name="pem"/> (<c>PRIVATE KEY</c> or <c>RSA PRIVATE KEY</c>).</summary>
    public static RsaLease RentPrivate(string pem) => Rent(PrivateKeys, PrivateKeyCapacity, pem);

    /// <summary>Whether <paramref name="pem"/> holds an RSA key we can use (imports it into the cache).</summary>
    public static bool TryValidatePublic(string pem)
    {
        try
        {
            using var lease = RentPublic(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static RsaLease Rent(ConcurrentDictionary<string, Pool> pools, int capacity, string pem)
    {
        ArgumentException.ThrowIfNullOrEmpty(pem);
        if (pools.TryGetValue(pem, out var pool))
        {
            return new RsaLease(pool, pool.Rent());
        }

        // Import first so that a PEM that is not a key never enters the cache.
        var rsa = Pool.Import(pem);
        if (pools.Count >= capacity)
        {
            Trim(pools, capacity);
        }

        pool = pools.GetOrAdd(pem, static key => new Pool(key));
        return new RsaLease(pool, rsa);
    }

    /// <summary>Drops about a quarter of the entries: cheap, and good enough for a cache of keys that are refetched when missing.</summary>
    private static void Trim(ConcurrentDictionary<string, Pool> pools, int capacity)
    {
        var excess = pools.Count - (capacity * 3 / 4);
        foreach (var key in pools.Keys)
        {
            if (excess-- <= 0)
            {
                break;
            }

            if (pools.TryRemove(key, out var evicted))
            {
                evicted.Evict();
            }
        }
    }

    internal sealed class Pool(string pem)
    {
        private static readonly int MaxIdle = Math.Max(2, Environment.ProcessorCount);
        private readonly ConcurrentBag<RSA> _idle = [];
        private int _idleCount;
        private volatile bool _evicted;

        public static RSA Import(string pem)
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                return rsa;
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
        }

        public RSA Rent()
        {
            if (_idle.TryTake(out var rsa))
            {
                Interlocked.Decrement(ref _idleCount);
                return rsa;
            }

            return Import(pem);
        }

        public void Return(RSA rsa)
        {
            if (_evicted || Interlocked.Increment(ref _idleCount) > MaxIdle)
            {
                if (!_evicted)
                {
                    Interlocked.Decrement(ref _idleCount);
                }

                rsa.Dispose();
                return;
            }

            _idle.Add(rsa);
            if (_evicted)
            {
                Drain();
            }
        }

        public void Evict()
        {
            _evicted = true;
            Drain();
        }

        private void Drain()
        {
            while (_idle.TryTake(out var rsa))
            {
                rsa.Dispose();
            }
        }
    }
}

/// <summary>An RSA instance rented from <see cref="RsaKeyPool"/>: use it on one thread, then dispose the lease to return it.</summary>
public readonly struct RsaLease : IDisposable, IEquatable<RsaLease>
{
    private readonly RsaKeyPool.Pool? _pool;

    internal RsaLease(RsaKeyPool.Pool pool, RSA key)
    {
        _pool = pool;
        Key = key;
    }

    public RSA Key { get; }

    public void Dispose() => _pool?.Return(Key);

    public bool Equals(RsaLease other) => ReferenceEquals(Key, other.Key);

    public override bool Equals(object? obj) => obj is RsaLease other && Equals(other);

    public override int GetHashCode() => Key?.GetHashCode() ?? 0;

    public static bool operator ==(RsaLease left, RsaLease right) => left.Equals(right);

    public static bool operator !=(RsaLease left, RsaLease right) => !left.Equals(right);
}
