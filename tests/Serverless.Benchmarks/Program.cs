using System.Reflection;
using BenchmarkDotNet.Running;
using Serverless.Benchmarks;

// Usage: dotnet run -c Release --project tests/Serverless.Benchmarks -- [--results DIR] [BenchmarkDotNet options, e.g. --filter '*']
// --results (or BenchmarkDotNet's own --artifacts) sets where everything is written; the default
// is results/ next to the project file. Without --filter every benchmark runs (no interactive menu).
var (resultsDirectory, rest) = Arguments.Split(args);
Console.WriteLine($"Results: {resultsDirectory}");
Arguments.ClearPreviousRun(resultsDirectory);

var startedAt = DateTimeOffset.UtcNow;
var loadAtStart = ResultsSummary.ReadLoadAverage();
var summaries = BenchmarkSwitcher
    .FromAssembly(typeof(FirstSliceBenchmarks).Assembly)
    .Run(rest, BenchmarkConfig.Create(resultsDirectory))
    .ToList();
var loadAtEnd = ResultsSummary.ReadLoadAverage();
var finishedAt = DateTimeOffset.UtcNow;

var path = ResultsSummary.Write(resultsDirectory, summaries, loadAtStart, loadAtEnd, startedAt, finishedAt);
Console.WriteLine($"Summary: {path}");
Console.WriteLine(File.ReadAllText(path));
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

    /// <summary>A results folder holds one run: removes what an earlier run of these benchmarks wrote there, and nothing else.</summary>
    public static void ClearPreviousRun(string resultsDirectory)
    {
        if (!Directory.Exists(resultsDirectory))
        {
            return;
        }

        const string Prefix = "Serverless.Benchmarks.";
        var previous = Directory.EnumerateFiles(resultsDirectory, Prefix + "*.log")
            .Append(Path.Combine(resultsDirectory, "summary.md"));
        var reports = Path.Combine(resultsDirectory, "results");
        if (Directory.Exists(reports))
        {
            previous = previous.Concat(Directory.EnumerateFiles(reports, Prefix + "*"));
        }

        foreach (var file in previous.ToList())
        {
            File.Delete(file);
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
