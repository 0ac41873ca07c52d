namespace Serverless.Core.Ids;

/// <summary>
/// Mastodon-style ids: milliseconds since the Unix epoch shifted over a 16-bit sequence,
/// written as decimal strings. They sort by time, fit in a signed 64-bit integer, and clients
/// such as Tusky may compare and decrement them.
/// </summary>
public sealed class SnowflakeIds(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastMillis;
    private int _sequence;

    /// <summary>The width used when an id must sort as a string (document ids in a partition).</summary>
    public const int SortableWidth = 20;

    public long Next()
    {
        var millis = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (millis <= _lastMillis)
            {
                millis = _lastMillis;
                _sequence++;
                if (_sequence > 0xFFFF)
                {
                    // More than 65,536 ids in one millisecond: borrow the next millisecond.
                    millis++;
                    _sequence = 0;
                }
            }
            else
            {
                _sequence = 0;
            }

            _lastMillis = millis;
            return (millis << 16) | (uint)_sequence;
        }
    }

    public string NextString() => Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// An id for something that happened at <paramref name="when"/>, such as a remote status with a
    /// <c>published</c> time. The low bits come from <paramref name="uniquifier"/> so that the same
    /// remote object always gets the same id.
    /// </summary>
    public static long FromTimestamp(DateTimeOffset when, string uniquifier)
    {
        ArgumentNullException.ThrowIfNull(uniquifier);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uniquifier), hash);
        return (when.ToUnixTimeMilliseconds() << 16) | (uint)(hash[0] << 8 | hash[1]);
    }

    /// <summary>The lowest id of a given instant: used to turn a date into a paging cursor.</summary>
    public static long MinimumFor(DateTimeOffset when) => when.ToUnixTimeMilliseconds() << 16;

    public static DateTimeOffset TimestampOf(long id) => DateTimeOffset.FromUnixTimeMilliseconds(id >> 16);

    /// <summary>Zero-pads a decimal id so that string order equals numeric order.</summary>
    public static string Sortable(long id) => id.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);

    public static string Sortable(string id) => id.PadLeft(SortableWidth, '0');

    /// <summary>Reverses <see cref="Sortable(long)"/>.</summary>
    public static string Unpad(string sortable)
    {
        ArgumentNullException.ThrowIfNull(sortable);
        var trimmed = sortable.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    public static bool TryParse(string? value, out long id) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id >= 0;
}
