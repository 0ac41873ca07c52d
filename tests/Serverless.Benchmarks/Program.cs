using System.Reflection;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project tests/Serverless.Benchmarks -- [--results DIR] [BenchmarkDotNet options, e.g. --filter '*']
// --results (or BenchmarkDotNet's own --artifacts) sets where everything is written; the default
// is results/ next to the project file. Without --filter every benchmark runs (no interactive menu).
// Each benchmark class writes its own summary: FederationBenchmarks federation.md, the others summary.md.
var (resultsDirectory, rest) = Arguments.Split(args);
Console.WriteLine($"Results: {resultsDirectory}");

var startedAt = DateTimeOffset.UtcNow;
var loadAtStart = ResultsSummary.ReadLoadAverage();
var summaries = BenchmarkSwitcher
    .FromAssembly(typeof(FirstSliceBenchmarks).Assembly)
    .Run(rest, BenchmarkConfig.Create(resultsDirectory))
    .ToList();
var loadAtEnd = ResultsSummary.ReadLoadAverage();
var finishedAt = DateTimeOffset.UtcNow;
Arguments.ClearPreviousRun(resultsDirectory, summaries, startedAt);

static bool IsFederation(Summary summary) => summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(FederationBenchmarks));
var paths = new List<string>();
if (summaries.Where(s => !IsFederation(s)).ToList() is { Count: > 0 } firstSlice)
{
    paths.Add(ResultsSummary.Write(resultsDirectory, firstSlice, loadAtStart, loadAtEnd, startedAt, finishedAt));
}

if (summaries.Where(IsFederation).ToList() is { Count: > 0 } federation)
{
    // The same comparison in alternating blocks, which other work on the machine cannot skew.
    Console.WriteLine("Federation: raw signing and delivery in alternating blocks");
    var interleavedLoadAtStart = ResultsSummary.ReadLoadAverage();
    var interleaved = await FederationBenchmarks.InterleavedAsync(FederationSummary.InterleavedRounds, FederationSummary.InterleavedBlock);
    var interleavedLoadAtEnd = ResultsSummary.ReadLoadAverage();
    paths.Add(FederationSummary.Write(resultsDirectory, federation, interleaved, (interleavedLoadAtStart, interleavedLoadAtEnd), loadAtStart, loadAtEnd, startedAt, DateTimeOffset.UtcNow));
}

foreach (var path in paths)
{
    Console.WriteLine($"Summary: {path}");
    Console.WriteLine(File.ReadAllText(path));
}

return summaries.Count > 0 && summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;

internal static class Arguments
{
    public static (string ResultsDirectory, string[] Remaining) Split(string[] args)
    {
        string? results = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--results" or "--artifacts" or "-a" && i + 1 < args.Length)
            {
                results = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (!rest.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal)) && !rest.Any(IsInformational))
        {
            rest.AddRange(["--filter", "*"]);
        }

        return (Path.GetFullPath(results ?? DefaultResultsDirectory()), rest.ToArray());
    }

    /// <summary>
    /// A results folder holds the latest run of each benchmark class: removes what earlier runs of the
    /// classes that just ran left there (older than <paramref name="startedAt"/>), and nothing else, so
    /// that running one class keeps the other's results.
    /// </summary>
    public static void ClearPreviousRun(string resultsDirectory, IEnumerable<Summary> summaries, DateTimeOffset startedAt)
    {
        if (!Directory.Exists(resultsDirectory))
        {
            return;
        }

        var reports = Path.Combine(resultsDirectory, "results");
        foreach (var type in summaries.SelectMany(s => s.BenchmarksCases).Select(c => c.Descriptor.Type.FullName).Distinct())
        {
            var previous = Directory.EnumerateFiles(resultsDirectory, type + "-*.log");
            if (Directory.Exists(reports))
            {
                previous = previous.Concat(Directory.EnumerateFiles(reports, type + "-*"));
            }

            foreach (var file in previous.Where(f => File.GetLastWriteTimeUtc(f) < startedAt.UtcDateTime).ToList())
            {
                File.Delete(file);
            }
        }
    }

    private static bool IsInformational(string arg) => arg is "--list" or "--help" or "-h" or "--info" or "--version";

    private static string DefaultResultsDirectory()
    {
        var projectDirectory = typeof(FirstSliceBenchmarks).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BenchmarksProjectDirectory")?.Value;
        return Path.Combine(projectDirectory ?? Directory.GetCurrentDirectory(), "results");
    }
}
