using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Serverless.Benchmarks;

/// <summary>Writes <c>summary.md</c>: each benchmark's mean, allocation and ratio to the baseline, with the machine's load around the run.</summary>
public static class ResultsSummary
{
    /// <summary>The first line of <c>/proc/loadavg</c> (1, 5 and 15 minute averages, runnable/total tasks), or a note where there is none.</summary>
    public static string ReadLoadAverage()
    {
        const string Path = "/proc/loadavg";
        try
        {
            return File.Exists(Path) ? File.ReadAllText(Path).Trim() : "unavailable (no /proc/loadavg)";
        }
        catch (IOException ex)
        {
            return "unavailable (" + ex.Message + ")";
        }
    }

    public static string Write(string directory, IReadOnlyList<Summary> summaries, string loadAtStart, string loadAtEnd, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "summary.md");
        File.WriteAllText(path, Render(summaries, loadAtStart, loadAtEnd, startedAt, finishedAt));
        return path;
    }

    public static string Render(IReadOnlyList<Summary> summaries, string loadAtStart, string loadAtEnd, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Benchmark summary");
        text.AppendLine();
        text.AppendLine(c, $"- Run: {startedAt:yyyy-MM-dd HH:mm:ss}Z to {finishedAt:HH:mm:ss}Z ({(finishedAt - startedAt).TotalSeconds:0} s)");
        text.AppendLine(c, $"- Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})");
        text.AppendLine(c, $"- Load average (/proc/loadavg) at start: `{loadAtStart}`");
        text.AppendLine(c, $"- Load average (/proc/loadavg) at end: `{loadAtEnd}`");
        text.AppendLine(c, $"- Job: {BenchmarkConfig.JobId} (in-process, 1 launch, {BenchmarkConfig.ShortInProcessJob.Run.WarmupCount} warm-up and {BenchmarkConfig.ShortInProcessJob.Run.IterationCount} measured iterations of ~{BenchmarkConfig.ShortInProcessJob.Run.IterationTime.ToMilliseconds():0} ms)");
        text.AppendLine(c, $"- Data: one account, {FirstSliceBenchmarks.SeededStatuses} statuses seeded before each benchmark; pages of {FirstSliceBenchmarks.PageSize}");
        text.AppendLine();
        text.AppendLine("The machine is shared: read the ratios to the in-run baseline (a bare SQLite point read), not the absolute times.");
        text.AppendLine();

        var reports = summaries.SelectMany(s => s.Reports).ToList();
        if (reports.Count == 0)
        {
            text.AppendLine("No benchmark ran (check the filter).");
            return text.ToString();
        }

        var baseline = reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline && r.ResultStatistics is not null);
        var baselineMean = baseline?.ResultStatistics?.Mean;
        var baselineMedian = baseline?.ResultStatistics?.Median;
        var baselineBytes = baseline is null ? null : baseline.GcStats.GetBytesAllocatedPerOperation(baseline.BenchmarkCase);

        text.AppendLine("| Benchmark | Mean | StdDev | Median | Min | Allocated/op | Ratio (mean) | Ratio (median) | Ratio (allocated) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var report in reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            if (report.ResultStatistics is not { } stats)
            {
                text.AppendLine(c, $"| {name} | failed | | | | | | | |");
                continue;
            }

            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            var timeRatio = Ratio(stats.Mean, baselineMean);
            var medianRatio = Ratio(stats.Median, baselineMedian);
            var bytesRatio = bytes is { } b && baselineBytes is > 0 ? ((double)b / baselineBytes.Value).ToString("0.0", c) + "×" : "n/a";
            text.AppendLine(c, $"| {name}{(report.BenchmarkCase.Descriptor.Baseline ? " (baseline)" : "")} | {Time(stats.Mean)} | {Time(stats.StandardDeviation)} | {Time(stats.Median)} | {Time(stats.Min)} | {Bytes(bytes)} | {timeRatio} | {medianRatio} | {bytesRatio} |");
        }

        if (baseline is null)
        {
            text.AppendLine();
            text.AppendLine("The baseline did not run in this run (filtered out?), so there are no ratios.");
        }

        text.AppendLine();
        text.AppendLine("Ratios here are ratios of the statistics (mean / baseline mean, median / baseline median); BenchmarkDotNet's own Ratio column is the mean of the per-iteration ratio distribution, so the two differ when the baseline is noisy.");
        text.AppendLine();
        text.AppendLine("BenchmarkDotNet's own reports (markdown, JSON, CSV) and log are in the same folder tree (`results/` and the `.log` file).");
        return text.ToString();
    }

    private static string Ratio(double value, double? baseline) =>
        baseline is > 0 ? (value / baseline.Value).ToString("0.0", CultureInfo.InvariantCulture) + "×" : "n/a";

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        >= 1_000_000 => (nanoseconds / 1_000_000).ToString("0.000", CultureInfo.InvariantCulture) + " ms",
        >= 1_000 => (nanoseconds / 1_000).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
        _ => nanoseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ns",
    };

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1024 * 1024 => (bytes.Value / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MB",
        >= 1024 => (bytes.Value / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
