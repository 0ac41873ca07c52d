using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.LoadTests;

/// <summary>The numbers of one wrk run (<c>wrk --latency</c> output).</summary>
internal sealed partial record WrkOutput
{
    public double RequestsPerSecond { get; init; }

    public long Requests { get; init; }

    public double DurationSeconds { get; init; }

    public double? P50Ms { get; init; }

    public double? P75Ms { get; init; }

    public double? P90Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? MaxMs { get; init; }

    public long Non2xx { get; init; }

    public long SocketErrors { get; init; }

    public string SocketErrorDetail { get; init; } = "";

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PercentileLine();

    [GeneratedRegex(@"^\s*Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m|h)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"^\s*Non-2xx or 3xx responses:\s+(\d+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"^\s*Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SocketErrorsLine();

    /// <summary>Parses wrk's report; null when it has no <c>Requests/sec</c> line (wrk failed).</summary>
    public static WrkOutput? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rps = RequestsPerSecondLine().Match(text);
        if (!rps.Success)
        {
            return null;
        }

        var percentiles = PercentileLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => ToMs(m.Groups[2].Value, m.Groups[3].Value), StringComparer.Ordinal);
        var requests = RequestsLine().Match(text);
        var latency = LatencyLine().Match(text);
        var non2xx = Non2xxLine().Match(text);
        var socket = SocketErrorsLine().Match(text);
        return new WrkOutput
        {
            RequestsPerSecond = Number(rps.Groups[1].Value),
            Requests = requests.Success ? long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            DurationSeconds = requests.Success ? ToMs(requests.Groups[2].Value, requests.Groups[3].Value) / 1000 : 0,
            P50Ms = percentiles.GetValueOrDefault("50"),
            P75Ms = percentiles.GetValueOrDefault("75"),
            P90Ms = percentiles.GetValueOrDefault("90"),
            P99Ms = percentiles.GetValueOrDefault("99"),
            MaxMs = latency.Success ? ToMs(latency.Groups[1].Value, latency.Groups[2].Value) : null,
            Non2xx = non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            SocketErrors = socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture)) : 0,
            SocketErrorDetail = socket.Success ? socket.Value.Trim() : "",
        };
    }

    private static double Number(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double ToMs(string value, string unit) => Number(value) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => throw new FormatException($"Unknown wrk time unit '{unit}'."),
    };
}
