using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Serverless.LoadTests;

/// <summary>
/// Writes <c>results.md</c> from what run.sh left in the raw folder: wrk outputs, memory samples,
/// load averages, fan-out measurements and run facts.
/// </summary>
/// <remarks>
/// Raw layout: <c>meta.txt</c> (key=value), <c>wrk/rep{r}-c{c}-{name}.txt</c> with the baseline run
/// before and after each set (<c>baseline-before</c>, <c>baseline-after</c>), <c>rss.tsv</c>
/// (epoch ms, phase, VmRSS kB, VmHWM kB), <c>loadavg.tsv</c> (label, /proc/loadavg) and
/// <c>fanout-rep{r}.json</c>.
/// </remarks>
internal sealed class Report(string rawDirectory, string outputPath, string? dataDirectory)
{
    private const double MemoryLimitMb = 150;
    private const double FanoutLimitMs = 2000;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private sealed record Run(int Rep, int Connections, string Name, WrkOutput Output);

    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        var meta = ReadMeta(Path.Combine(rawDirectory, "meta.txt"));
        var runs = ReadRuns(Path.Combine(rawDirectory, "wrk"));
        var rss = ReadRss(Path.Combine(rawDirectory, "rss.tsv"));
        var loads = ReadTsv(Path.Combine(rawDirectory, "loadavg.tsv"));
        var fanouts = Directory.Exists(rawDirectory)
            ? Directory.EnumerateFiles(rawDirectory, "fanout-rep*.json").Order(StringComparer.Ordinal)
                .Select(f => (File: Path.GetFileNameWithoutExtension(f), Result: JsonSerializer.Deserialize(File.ReadAllText(f), LoadTestJsonContext.Default.FanoutResult)))
                .Where(f => f.Result is not null).ToList()
            : [];
        // run.sh keeps a token-free copy of the seed manifest in raw/; --data reads the data directory's own.
        var manifestPath = dataDirectory is not null ? Path.Combine(dataDirectory, Seeder.ManifestFile) : Path.Combine(rawDirectory, "seed.json");
        SeedManifest? manifest = null;
        if (File.Exists(manifestPath))
        {
            manifest = JsonSerializer.Deserialize(await File.ReadAllTextAsync(manifestPath, cancellationToken), LoadTestJsonContext.Default.SeedManifest);
        }

        var text = new StringBuilder();
        var label = meta.GetValueOrDefault("label", "");
        text.AppendLine("# Client API load test (issue 3)");
        text.AppendLine();
        if (label.Length > 0)
        {
            text.AppendLine(C, $"> **{label}**");
            text.AppendLine();
        }

        WriteRunFacts(text, meta, loads, manifest);
        var connections = runs.Select(r => r.Connections).Distinct().Order().ToList();
        var reps = runs.Select(r => r.Rep).Distinct().Order().ToList();
        var baselines = runs.Where(r => r.Name.StartsWith(Endpoints.BaselineName, StringComparison.Ordinal))
            .GroupBy(r => (r.Rep, r.Connections))
            .ToDictionary(g => g.Key, g => g.Average(r => r.Output.RequestsPerSecond));

        text.AppendLine("## Throughput and latency");
        text.AppendLine();
        text.Append(C, $"Each row: {reps.Count} run(s) of `wrk -t{meta.GetValueOrDefault("wrk_threads", "2")} -c<concurrency> -d{meta.GetValueOrDefault("wrk_duration", "?")} --latency` with the reader's bearer token and `User-Agent: serverless-loadtest`. ");
        text.Append("req/s is the mean over runs with the spread (min–max) beside it; p50/p99 are the worst run's. The ratio is to the baseline ");
        text.Append(C, $"(`{Endpoints.Get(Endpoints.BaselineName).Path}`, same settings and token) measured just before and just after each endpoint set in the same run, averaged. ");
        text.AppendLine("\"Met\" compares every run with the target.");
        text.AppendLine();
        text.AppendLine("| Endpoint | Concurrency | req/s (mean) | spread (min–max) | p50 ms | p99 ms | ratio to baseline | target | met? |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var endpoint in Endpoints.All)
        {
            foreach (var c in connections)
            {
                var rows = endpoint.Name == Endpoints.BaselineName
                    ? runs.Where(r => r.Connections == c && r.Name.StartsWith(Endpoints.BaselineName, StringComparison.Ordinal)).ToList()
                    : runs.Where(r => r.Connections == c && r.Name == endpoint.Name).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                var rps = rows.Select(r => r.Output.RequestsPerSecond).ToList();
                var ratios = rows.Select(r => baselines.TryGetValue((r.Rep, r.Connections), out var b) && b > 0 ? r.Output.RequestsPerSecond / b : double.NaN).Where(x => !double.IsNaN(x)).ToList();
                var p50 = rows.Max(r => r.Output.P50Ms ?? 0);
                var p99 = rows.Max(r => r.Output.P99Ms ?? 0);
                var target = TargetText(endpoint);
                var met = target == "—" ? "—" : Met(rows.Select(r => Meets(endpoint, r.Output)).ToList());
                var spread = rps.Count > 1 ? $"{rps.Min():0}–{rps.Max():0} (±{(rps.Max() - rps.Min()) / 2 / rps.Average() * 100:0.0}%)" : "one run";
                var name = endpoint.Name == Endpoints.BaselineName ? $"{endpoint.Description}" : endpoint.Description;
                text.AppendLine(C, $"| {name} | {c} | {rps.Average():0} | {spread} | {p50:0.00} | {p99:0.00} | {(ratios.Count > 0 ? ratios.Average().ToString("0.00", C) : "—")} | {target} | {met} |");
            }
        }

        text.AppendLine();
        WriteErrors(text, runs, meta);
        WriteMemory(text, rss);
        WriteFanout(text, fanouts);
        WriteRuns(text, runs, baselines);
        WriteNotes(text, meta, manifest);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        await File.WriteAllTextAsync(outputPath, text.ToString(), cancellationToken);
        Console.WriteLine(text.ToString());
        return runs.Count > 0 ? 0 : 1;
    }

    private static void WriteRunFacts(StringBuilder text, Dictionary<string, string> meta, List<string[]> loads, SeedManifest? manifest)
    {
        text.AppendLine("## Run");
        text.AppendLine();
        text.AppendLine(C, $"- When: {meta.GetValueOrDefault("started", "?")} to {meta.GetValueOrDefault("finished", "?")}");
        text.AppendLine(C, $"- Code: commit `{meta.GetValueOrDefault("git_commit", "?")}`{(meta.GetValueOrDefault("git_dirty", "") is { Length: > 0 } dirty ? $" with uncommitted changes in {dirty} files (results excluded)" : "")}; Release builds");
        text.AppendLine(C, $"- Machine: {meta.GetValueOrDefault("cores", "?")} cores ({meta.GetValueOrDefault("cpu_model", "?")}), {meta.GetValueOrDefault("mem_total", "?")} RAM; server, wrk and anything else running share the cores");
        foreach (var load in loads.Where(l => l.Length >= 2))
        {
            text.AppendLine(C, $"- Load average (/proc/loadavg) {load[0]}: `{load[1]}`");
        }

        text.AppendLine(C, $"- Load generator: wrk {meta.GetValueOrDefault("wrk_version", "?")} over loopback, {meta.GetValueOrDefault("wrk_threads", "2")} threads, concurrency {meta.GetValueOrDefault("connections", "?")}, {meta.GetValueOrDefault("wrk_duration", "?")} per run, {meta.GetValueOrDefault("reps", "?")} repetition(s) of the whole set after a warm-up of {meta.GetValueOrDefault("warmup", "?")} per endpoint");
        text.AppendLine(C, $"- Server: the standalone host (Release), `{meta.GetValueOrDefault("server_env", "?")}`");
        if (manifest is not null)
        {
            text.Append(C, $"- Data: {manifest.Statuses:N0} statuses by {manifest.Followed:N0} authors over {manifest.HistoryDays:0} days; the reader follows all {manifest.Followed:N0} (home timeline: {manifest.HomeEntries:N0} entries; public: {manifest.PublicEntries:N0}; local: {manifest.LocalEntries:N0}); ");
            text.AppendLine(C, $"`@{manifest.PopularUsername}` has {manifest.FollowerIds.Count:N0} local followers. Seeded in {manifest.SeedSeconds:0} s with {manifest.Parallel} workers ({string.Join(", ", manifest.PhaseSeconds.Select(p => string.Create(C, $"{p.Key} {p.Value:0.0} s")))}).");
        }

        text.AppendLine();
    }

    private static void WriteErrors(StringBuilder text, List<Run> runs, Dictionary<string, string> meta)
    {
        var non2xx = runs.Sum(r => r.Output.Non2xx);
        var socket = runs.Sum(r => r.Output.SocketErrors);
        var requests = runs.Sum(r => r.Output.Requests);
        text.AppendLine("## Errors");
        text.AppendLine();
        text.AppendLine(C, $"- {requests:N0} requests measured; non-2xx/3xx responses: {non2xx:N0}; socket errors: {socket:N0}{(socket > 0 ? " (" + string.Join("; ", runs.Where(r => r.Output.SocketErrors > 0).Select(r => $"rep {r.Rep} c{r.Connections} {r.Name}: {r.Output.SocketErrorDetail}")) + ")" : "")}");
        text.AppendLine(C, $"- Server log: {meta.GetValueOrDefault("server_errors", "?")} lines at warning level or above (`raw/server.log`)");
        text.AppendLine();
    }

    private static void WriteMemory(StringBuilder text, List<(long Ms, string Phase, long RssKb, long HwmKb)> rss)
    {
        text.AppendLine("## Server memory");
        text.AppendLine();
        if (rss.Count == 0)
        {
            text.AppendLine("No samples.");
            text.AppendLine();
            return;
        }

        var load = rss.Where(s => s.Phase.StartsWith("rep", StringComparison.Ordinal) || s.Phase.StartsWith("warmup", StringComparison.Ordinal)).ToList();
        var maxLoad = load.Count > 0 ? load.Max(s => s.RssKb) / 1024.0 : 0;
        var hwm = rss.Max(s => s.HwmKb) / 1024.0;
        var idleBefore = rss.Where(s => s.Phase == "idle-before").Select(s => s.RssKb / 1024.0).DefaultIfEmpty().Last();
        var idleAfter = rss.Where(s => s.Phase == "idle-after").Select(s => s.RssKb / 1024.0).DefaultIfEmpty().Last();
        text.AppendLine(C, $"VmRSS sampled every second from /proc/PID/status ({rss.Count} samples). Target: resident memory under {MemoryLimitMb:0} MB.");
        text.AppendLine();
        text.AppendLine("| What | MB | under 150 MB? |");
        text.AppendLine("| --- | ---: | --- |");
        text.AppendLine(C, $"| VmRSS after start-up, before load | {idleBefore:0.0} | {(idleBefore < MemoryLimitMb ? "yes" : "no")} |");
        text.AppendLine(C, $"| highest VmRSS sample under load | {maxLoad:0.0} | {(maxLoad < MemoryLimitMb ? "yes" : "no")} |");
        text.AppendLine(C, $"| VmHWM (peak resident, whole life of the process) | {hwm:0.0} | {(hwm < MemoryLimitMb ? "yes" : "no")} |");
        text.AppendLine(C, $"| VmRSS after the load, idle | {idleAfter:0.0} | {(idleAfter < MemoryLimitMb ? "yes" : "no")} |");
        text.AppendLine();
        var byPhase = load.GroupBy(s => s.Phase).Select(g => $"{g.Key} {g.Max(s => s.RssKb) / 1024.0:0}").ToList();
        if (byPhase.Count > 0)
        {
            text.AppendLine("Highest VmRSS (MB) per phase: " + string.Join(", ", byPhase) + ".");
            text.AppendLine();
        }
    }

    private static void WriteFanout(StringBuilder text, List<(string File, FanoutResult? Result)> fanouts)
    {
        text.AppendLine("## Fan-out latency");
        text.AppendLine();
        text.AppendLine("`@popular` posts through `POST /api/v1/statuses`; the check then point-reads every follower's home timeline entry for that status in the server's SQLite file (about every 5 ms, only for followers still waiting) and, at the end, asks the API as 10 followers that the status heads their home timeline. Times are from sending the POST. Target: in all home timelines within 2 s. The server is idle during the check (between wrk sets).");
        text.AppendLine();
        if (fanouts.Count == 0)
        {
            text.AppendLine("No measurement.");
            text.AppendLine();
            return;
        }

        text.AppendLine("| Check | POST ms | reached | first ms | median ms | all ms | API sample | within 2 s? |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (file, r) in fanouts)
        {
            var all = r!.AllMilliseconds;
            text.AppendLine(C, $"| {file} | {r.PostMilliseconds:0} | {r.Reached}/{r.Followers} | {Ms(r.FirstMilliseconds)} | {Ms(r.MedianMilliseconds)} | {(all is null ? $"not all within {r.TimeoutSeconds:0} s" : Ms(all))} | {r.ApiSampleFound}/{r.ApiSampleChecked} | {(all is { } a && a <= FanoutLimitMs ? "yes" : "no")} |");
        }

        text.AppendLine();
        static string Ms(double? value) => value is { } v ? v.ToString("0", C) : "—";
    }

    private static void WriteRuns(StringBuilder text, List<Run> runs, Dictionary<(int, int), double> baselines)
    {
        text.AppendLine("## Every run");
        text.AppendLine();
        text.AppendLine("| Rep | Concurrency | Endpoint | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx | socket errors | baseline req/s | ratio |");
        text.AppendLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            var baseline = baselines.GetValueOrDefault((r.Rep, r.Connections));
            var o = r.Output;
            text.AppendLine(C, $"| {r.Rep} | {r.Connections} | {r.Name} | {o.RequestsPerSecond:0} | {o.P50Ms:0.00} | {o.P90Ms:0.00} | {o.P99Ms:0.00} | {o.MaxMs:0.00} | {o.Requests:N0} | {o.Non2xx} | {o.SocketErrors} | {baseline:0} | {(baseline > 0 ? o.RequestsPerSecond / baseline : 0):0.00} |");
        }

        text.AppendLine();
    }

    private static void WriteNotes(StringBuilder text, Dictionary<string, string> meta, SeedManifest? manifest)
    {
        text.AppendLine("## Notes");
        text.AppendLine();
        text.AppendLine("- Rate limits are off for the run (`RATE_LIMIT_REQUESTS=0`): they count per token (300 per 5 minutes, as Mastodon), and all the load uses one token, so with them on nearly every request would be a 429.");
        if (manifest is not null)
        {
            text.AppendLine("- Seeding: " + manifest.Method + " Every seeded account has the same password and key pair; that changes nothing on the measured paths.");
        }

        text.AppendLine("- The baseline is authenticated like the others (same header), so the ratio isolates the endpoint's own work from HTTP, routing and token checks.");
        text.AppendLine("- The server, wrk and the fan-out checker share the machine's cores; the absolute numbers depend on what else runs. Compare the ratios, and read the load averages above: the run itself keeps the 1-minute average near 3 (the server's busy threads and wrk's two), so only what is above that is other work.");
        text.AppendLine(C, $"- Raw outputs: `raw/wrk/*.txt` (wrk), `raw/rss.tsv` (memory samples), `raw/loadavg.tsv`, `raw/fanout-rep*.json`, `raw/seed.txt` and `raw/seed.json`, `raw/check.txt`, `raw/server.log`; produced by `tests/Serverless.LoadTests/run.sh {meta.GetValueOrDefault("args", "")}`.");
    }

    private static string TargetText(Endpoint endpoint) => (endpoint.MinRequestsPerSecond, endpoint.MaxP99Milliseconds) switch
    {
        (null, null) => "—",
        ({ } rps, null) => $"> {rps:0} req/s",
        ({ } rps, { } p99) => $"> {rps:0} req/s, p99 < {p99:0} ms",
        (null, { } p99) => $"p99 < {p99:0} ms",
    };

    private static bool Meets(Endpoint endpoint, WrkOutput output) =>
        (endpoint.MinRequestsPerSecond is not { } rps || output.RequestsPerSecond > rps)
        && (endpoint.MaxP99Milliseconds is not { } p99 || (output.P99Ms is { } measured && measured < p99))
        && output.Non2xx == 0;

    private static string Met(List<bool> results) => results.All(x => x) ? "yes" : results.Any(x => x) ? "in some runs" : "no";

    private static Dictionary<string, string> ReadMeta(string path)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return meta;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                meta[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return meta;
    }

    private static List<Run> ReadRuns(string directory)
    {
        var runs = new List<Run>();
        if (!Directory.Exists(directory))
        {
            return runs;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "rep*.txt"))
        {
            // rep{r}-c{c}-{name}.txt
            var parts = Path.GetFileNameWithoutExtension(file).Split('-', 3);
            if (parts.Length != 3 || !int.TryParse(parts[0].AsSpan(3), C, out var rep) || !int.TryParse(parts[1].AsSpan(1), C, out var connections))
            {
                continue;
            }

            if (WrkOutput.Parse(File.ReadAllText(file)) is { } output)
            {
                runs.Add(new Run(rep, connections, parts[2], output));
            }
        }

        var order = Endpoints.All.Select(e => e.Name).ToList();
        return runs.OrderBy(r => r.Rep).ThenBy(r => r.Connections)
            .ThenBy(r => r.Name == "baseline-before" ? -1 : r.Name == "baseline-after" ? order.Count : order.IndexOf(r.Name))
            .ToList();
    }

    private static List<(long Ms, string Phase, long RssKb, long HwmKb)> ReadRss(string path) =>
        ReadTsv(path)
            .Where(f => f.Length >= 4 && long.TryParse(f[0], C, out _) && long.TryParse(f[2], C, out _) && long.TryParse(f[3], C, out _))
            .Select(f => (long.Parse(f[0], C), f[1], long.Parse(f[2], C), long.Parse(f[3], C)))
            .ToList();

    private static List<string[]> ReadTsv(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList() : [];
}
