using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Serverless.Benchmarks;

/// <summary>
/// Writes <c>federation.md</c>: each federation benchmark's time, operations per second and ratio to
/// raw RSA-2048 signing in the same run, and issue 4's delivery target (deliveries per second at
/// least 40% of raw signatures per second), single-threaded and with two workers.
/// </summary>
public static class FederationSummary
{
    /// <summary>Issue 4: the deliver handler reaches at least this share of the raw signing rate.</summary>
    public const double TargetShare = 0.40;

    /// <summary>Rounds of the interleaved check, and operations per block (about 100 to 200 ms a block).</summary>
    public const int InterleavedRounds = 30;

    public const int InterleavedBlock = 192;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> Meaning = new(StringComparer.Ordinal)
    {
        [nameof(FederationBenchmarks.RawRsaSign)] = "(a) `RSA.SignData`, SHA-256, PKCS#1 v1.5, 2048-bit key already imported, over the activity's bytes",
        [nameof(FederationBenchmarks.HttpSignatureSign)] = "(b) `HttpSignatureSigner.Sign` of a POST with that body: digest, signing string, the key from `RsaKeyPool` (cached PEM), headers",
        [nameof(FederationBenchmarks.Deliver)] = "(c) `DeliverHandler.HandleAsync` of one `deliver` message: domain health, the stored activity and the signer's account and user (read cache over SQLite), sign, POST to the loopback sink (202), success recorded",
        [nameof(FederationBenchmarks.RawRsaSignParallel)] = "(a) on two workers at once, each with its own key instance; time per signature",
        [nameof(FederationBenchmarks.DeliverParallel)] = "(c) on two workers at once, as the queue pump runs deliveries; time per delivery",
    };

    public static string Write(
        string directory, IReadOnlyList<Summary> summaries, InterleavedResult? interleaved, (string Start, string End) interleavedLoad, string loadAtStart, string loadAtEnd, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "federation.md");
        var text = Render(summaries, loadAtStart, loadAtEnd, startedAt, finishedAt);
        if (interleaved is not null)
        {
            text += RenderInterleaved(interleaved, interleavedLoad);
        }

        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The alternating-block check: per-round shares, their median and range, by wall clock and by CPU time.</summary>
    public static string RenderInterleaved(InterleavedResult result, (string Start, string End) load)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("## The same comparison in alternating blocks");
        text.AppendLine();
        text.AppendLine(C, $"BenchmarkDotNet measures one case after another, so work that other processes start or stop between two cases moves their ratio (on this shared machine, by a factor of two either way). Here, after the BenchmarkDotNet run and in the same process, a block of {result.Block} raw signatures and a block of {result.Block} deliveries alternate, {result.Rounds} times (and the same with two workers); each round gives one share (time per signature ÷ time per delivery) from neighbouring blocks, which saw the same machine. The CPU share divides process CPU time per operation instead (all threads, the in-process sink's included, so it understates delivery's share).");
        text.AppendLine();
        text.AppendLine(C, $"- Load average at start: `{load.Start}`; at end: `{load.End}`");
        text.AppendLine();
        text.AppendLine("| Comparison | signature (median) | delivery (median) | share: median | share: min–max of rounds | CPU share: median | met (median ≥ 40%)? |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        InterleavedRow(text, "single-threaded: Deliver / RawRsaSign", result.Single);
        InterleavedRow(text, "two workers: DeliverParallel / RawRsaSignParallel", result.Parallel);
        return text.ToString();
    }

    private static void InterleavedRow(StringBuilder text, string label, IReadOnlyList<InterleavedRound> rounds)
    {
        if (rounds.Count == 0)
        {
            return;
        }

        var shares = rounds.Select(r => r.WallShare).Order().ToList();
        var cpu = rounds.Select(r => r.CpuShare).Where(x => !double.IsNaN(x)).Order().ToList();
        var share = Median(shares);
        text.AppendLine(C, $"| {label} | {Time(Median(rounds.Select(r => r.SignWallNs).Order().ToList()))} | {Time(Median(rounds.Select(r => r.DeliverWallNs).Order().ToList()))} | {share:0.0%} | {shares[0]:0.0%}–{shares[^1]:0.0%} | {(cpu.Count > 0 ? Median(cpu).ToString("0.0%", C) : "n/a")} | {(share >= TargetShare ? "yes" : "no")} |");
    }

    private static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    public static string Render(IReadOnlyList<Summary> summaries, string loadAtStart, string loadAtEnd, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var text = new StringBuilder();
        text.AppendLine("# Federation benchmarks (issue 4): delivery against raw signing");
        text.AppendLine();
        text.AppendLine(C, $"- Run: {startedAt:yyyy-MM-dd HH:mm:ss}Z to {finishedAt:HH:mm:ss}Z ({(finishedAt - startedAt).TotalSeconds:0} s)");
        text.AppendLine(C, $"- Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})");
        text.AppendLine(C, $"- Load average (/proc/loadavg) at start: `{loadAtStart}`");
        text.AppendLine(C, $"- Load average (/proc/loadavg) at end: `{loadAtEnd}`");
        text.AppendLine(C, $"- Job: {BenchmarkConfig.JobId} (in-process, 1 launch, {BenchmarkConfig.ShortInProcessJob.Run.WarmupCount} warm-up and {BenchmarkConfig.ShortInProcessJob.Run.IterationCount} measured iterations of ~{BenchmarkConfig.ShortInProcessJob.Run.IterationTime.ToMilliseconds():0} ms)");
        text.AppendLine("- Data: a fresh embedded data directory per benchmark (SQLite documents behind the read cache, SQLite queue, no pump); one account registered through `AccountService.RegisterAsync` (its RSA-2048 key signs); one stored `OutboundActivityRecord` (a `Create` of a public `Note`, about 1 KB); the sink is a minimal Kestrel server on 127.0.0.1 in the same process that reads the body and answers 202. Before measuring, one delivery is checked: the sink got one POST whose signature verifies with the account's public key, and nothing was queued for a retry.");
        text.AppendLine();
        text.AppendLine("The machine is shared: read the ratios to raw signing measured in the same run, not the absolute times.");
        text.AppendLine();

        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, StringComparer.Ordinal);
        if (reports.Count == 0)
        {
            text.AppendLine("No benchmark ran (check the filter).");
            return text.ToString();
        }

        var baseline = reports.GetValueOrDefault(nameof(FederationBenchmarks.RawRsaSign));
        text.AppendLine("| Benchmark | What | Mean | StdDev | Median | Min | Allocated/op | ops/s (mean) | ops/s (median) | share of raw signing (mean) | share (median) |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, report) in reports)
        {
            var stats = report.ResultStatistics!;
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            var reference = name.EndsWith("Parallel", StringComparison.Ordinal) ? reports.GetValueOrDefault(nameof(FederationBenchmarks.RawRsaSignParallel)) : baseline;
            text.AppendLine(C, $"| {name}{(report.BenchmarkCase.Descriptor.Baseline ? " (baseline)" : "")} | {Meaning.GetValueOrDefault(name, "")} | {Time(stats.Mean)} | {Time(stats.StandardDeviation)} | {Time(stats.Median)} | {Time(stats.Min)} | {Bytes(bytes)} | {1e9 / stats.Mean:N0} | {1e9 / stats.Median:N0} | {Share(reference?.ResultStatistics?.Mean, stats.Mean)} | {Share(reference?.ResultStatistics?.Median, stats.Median)} |");
        }

        text.AppendLine();
        text.AppendLine("\"Share of raw signing\" is (operations per second) / (raw signatures per second) = raw signing's time per operation / this benchmark's; the two-worker cases are compared with raw signing on two workers.");
        text.AppendLine();
        text.AppendLine(C, $"## Target: deliveries per second ≥ {TargetShare:0%} of raw RSA-2048 signatures per second");
        text.AppendLine();
        text.AppendLine("| Comparison | deliveries/s (mean) | signatures/s (mean) | share (mean) | share (median) | share (best: min/min) | met? |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        TargetRow(text, "single-threaded: (c) Deliver / (a) RawRsaSign", reports.GetValueOrDefault(nameof(FederationBenchmarks.Deliver)), baseline);
        TargetRow(text, "two workers: DeliverParallel / RawRsaSignParallel", reports.GetValueOrDefault(nameof(FederationBenchmarks.DeliverParallel)), reports.GetValueOrDefault(nameof(FederationBenchmarks.RawRsaSignParallel)));
        text.AppendLine();
        text.AppendLine("\"Met\" uses the mean and the median both. In the two-worker case the sink's Kestrel threads run in the same process on the same two cores, so they take a share of the deliveries' time that a remote inbox would not.");
        text.AppendLine();
        text.AppendLine("BenchmarkDotNet's own reports (markdown, JSON, CSV) and log are in the same folder tree (`results/Serverless.Benchmarks.FederationBenchmarks-*` and the `.log` file).");
        return text.ToString();
    }

    private static void TargetRow(StringBuilder text, string label, BenchmarkReport? deliver, BenchmarkReport? sign)
    {
        if (deliver?.ResultStatistics is not { } d || sign?.ResultStatistics is not { } s)
        {
            text.AppendLine(C, $"| {label} | not run | | | | | |");
            return;
        }

        var mean = s.Mean / d.Mean;
        var median = s.Median / d.Median;
        var met = mean >= TargetShare && median >= TargetShare ? "yes" : mean >= TargetShare || median >= TargetShare ? "borderline" : "no";
        text.AppendLine(C, $"| {label} | {1e9 / d.Mean:N0} | {1e9 / s.Mean:N0} | {mean:0.0%} | {median:0.0%} | {s.Min / d.Min:0.0%} | {met} |");
    }

    private static string Share(double? reference, double value) =>
        reference is > 0 ? (reference.Value / value).ToString("0.0%", C) : "n/a";

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        >= 1_000_000 => (nanoseconds / 1_000_000).ToString("0.000", C) + " ms",
        >= 1_000 => (nanoseconds / 1_000).ToString("0.00", C) + " µs",
        _ => nanoseconds.ToString("0.0", C) + " ns",
    };

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1024 * 1024 => (bytes.Value / (1024.0 * 1024)).ToString("0.00", C) + " MB",
        >= 1024 => (bytes.Value / 1024.0).ToString("0.0", C) + " KB",
        _ => bytes.Value.ToString(C) + " B",
    };
}
