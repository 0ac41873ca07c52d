using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Serverless.Mastodon.Http;

/// <summary>The limits, as Mastodon sets them: 300 requests per 5 minutes, 30 media uploads per 30 minutes.</summary>
public sealed record RateLimitOptions
{
    /// <summary><c>RATE_LIMIT_REQUESTS</c>: requests per window per token (or per address without one); 0 turns limiting off.</summary>
    public int Requests { get; init; } = 300;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    public int MediaUploads { get; init; } = 30;

    public TimeSpan MediaWindow { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Fixed-window request counting with Mastodon's <c>X-RateLimit-*</c> headers and 429 answers.
/// Counts are kept per process: on one machine that is exact; across several Functions instances
/// each instance counts its own share (a shared counter would cost a write per request).
/// </summary>
public sealed class RateLimiter(RateLimitOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window(long start)
    {
        public long Start = start;
        public int Count;
    }

    /// <summary>Counts one request and writes the headers; false when the caller is over the limit.</summary>
    public bool TryAcquire(HttpResponse response, string key, bool mediaUpload)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (options.Requests <= 0)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var allowed = Count(response, "req:" + key, options.Requests, options.Window, now);
        if (allowed && mediaUpload)
        {
            allowed = Count(response, "media:" + key, options.MediaUploads, options.MediaWindow, now);
        }

        if (_windows.Count > 200_000)
        {
            // Forget windows that have ended, so one-off callers cannot grow memory without bound.
            var horizon = (now - options.MediaWindow).UtcTicks;
            foreach (var (k, w) in _windows)
            {
                if (Volatile.Read(ref w.Start) < horizon)
                {
                    _windows.TryRemove(k, out _);
                }
            }
        }

        return allowed;
    }

    private bool Count(HttpResponse response, string key, int limit, TimeSpan length, DateTimeOffset now)
    {
        var windowStart = now.UtcTicks - (now.UtcTicks % length.Ticks);
        var window = _windows.GetOrAdd(key, _ => new Window(windowStart));
        int count;
        lock (window)
        {
            if (window.Start != windowStart)
            {
                window.Start = windowStart;
                window.Count = 0;
            }

            count = ++window.Count;
        }

        var reset = new DateTimeOffset(windowStart, TimeSpan.Zero) + length;
        response.Headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = Math.Max(0, limit - count).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return count <= limit;
    }
}
