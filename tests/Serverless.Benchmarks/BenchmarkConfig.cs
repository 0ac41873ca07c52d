using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Serverless.Benchmarks;

/// <summary>
/// One short job, run in-process: a 2-core shared machine cannot afford BenchmarkDotNet's
/// default of rebuilding the solution per benchmark and running until the error is tight. The
/// numbers are meant to be read as ratios to the in-run baseline, not as absolute truth.
/// </summary>
public static class BenchmarkConfig
{
    public const string JobId = "ShortInProcess";

    public static Job ShortInProcessJob { get; } = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(4)
        .WithIterationCount(12)
        .WithIterationTime(TimeInterval.FromMilliseconds(400))
        .WithId(JobId);

    /// <summary>BenchmarkDotNet's defaults (validators, columns, console logger, markdown/CSV/HTML exporters) plus the short job, JSON and the artifacts path.</summary>
    public static IConfig Create(string artifactsPath) => ManualConfig.Create(DefaultConfig.Instance)
        .AddJob(ShortInProcessJob)
        // On a shared machine the minimum and median say more than the mean.
        .AddColumn(StatisticColumn.Min, StatisticColumn.Median)
        .AddExporter(JsonExporter.Full)
        .WithArtifactsPath(artifactsPath);
}
