using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.LoadTests.Federation;

/// <summary>
/// Writes the inbox load test's report from what federation.sh left in its raw folder: wrk outputs
/// (<c>wrk/rep{r}-c{c}-{baseline-before|new|duplicate|baseline-after}.txt</c>), the server's counts
/// of received activities around each inbox run (<c>counts/*.json</c>), load averages and run facts.
/// </summary>
internal sealed partial class FederationReport(string rawDirectory, string outputPath)
{
    /// <summary>Issue 4: signed inbox POSTs with the key cached are answered 202 at more than 2,000 per second.</summary>
    public const double TargetRequestsPerSecond = 2000;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly string[] Kinds = ["new", "duplicate"];

    private static readonly string[] Rows = ["baseline", .. Kinds];

    private static readonly string[] Order = ["baseline-before", "new", "duplicate", "baseline-after"];

    private sealed record Run(int Rep, int Connections, string Name, WrkOutput Output, Pool? Pool, long? Accepted, long? Ingested);

    private sealed record Pool(long Size, long Made, long Repeats);

    [GeneratedRegex(@"^rep(\d+)-c(\d+)-(.+)\.txt$", RegexOptions.CultureInvariant)]
    private static partial Regex RunFile();

    [GeneratedRegex(@"^Pool: (\d+) pre-signed activities, (\d+) requests made, (\d+) beyond the pool", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PoolLine();

    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        var meta = ReadMeta(Path.Combine(rawDirectory, "meta.txt"));
        var runs = ReadRuns();
        var loads = File.Exists(Path.Combine(rawDirectory, "loadavg.tsv"))
            ? (await File.ReadAllLinesAsync(Path.Combine(rawDirectory, "loadavg.tsv"), cancellationToken)).Select(l => l.Split('\t')).Where(l => l.Length >= 2).ToList()
            : [];
        var workers = meta.GetValueOrDefault("workers", "off") == "on";
        var baselines = runs.Where(r => r.Name.StartsWith("baseline", StringComparison.Ordinal))
            .GroupBy(r => (r.Rep, r.Connections))
            .ToDictionary(g => g.Key, g => g.Average(r => r.Output.RequestsPerSecond));

        var text = new StringBuilder();
        text.AppendLine(C, $"# Federation load test (issue 4): signed inbox POSTs{(workers ? ", with the queue workers ingesting" : "")}");
        text.AppendLine();
        if (meta.GetValueOrDefault("label", "") is { Length: > 0 } label)
        {
            text.AppendLine(C, $"> **{label}**");
            text.AppendLine();
        }

        WriteRunFacts(text, meta, loads, workers);

        text.AppendLine("## Throughput and latency");
        text.AppendLine();
        text.Append(C, $"Each row: {runs.Select(r => r.Rep).Distinct().Count()} run(s) of `wrk -t{meta.GetValueOrDefault("wrk_threads", "2")} -c<concurrency> -d{meta.GetValueOrDefault("wrk_duration", "?")} --latency` with `User-Agent: serverless-loadtest`. ");
        text.Append("req/s is the mean over runs with the spread (min–max); p50/p99 are the worst run's. The ratio is to the unsigned baseline ");
        text.Append(C, $"(`GET {meta.GetValueOrDefault("baseline_path", "?")}`, no token) run just before and just after each pair of inbox runs, averaged. ");
        text.AppendLine("\"Met\" compares every run with the target.");
        text.AppendLine();
        text.AppendLine("| What | Concurrency | req/s (mean) | spread (min–max) | p50 ms | p99 ms | ratio to baseline | target | met? |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        var connections = runs.Select(r => r.Connections).Distinct().Order().ToList();
        foreach (var kind in Rows)
        {
            foreach (var c in connections)
            {
                var rows = runs.Where(r => r.Connections == c && (kind == "baseline" ? r.Name.StartsWith("baseline", StringComparison.Ordinal) : r.Name == kind)).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                var rps = rows.Select(r => r.Output.RequestsPerSecond).ToList();
                var ratios = rows.Select(r => baselines.TryGetValue((r.Rep, r.Connections), out var b) && b > 0 ? r.Output.RequestsPerSecond / b : double.NaN).Where(x => !double.IsNaN(x)).ToList();
                var spread = rps.Count > 1 ? string.Create(C, $"{rps.Min():0}–{rps.Max():0} (±{(rps.Max() - rps.Min()) / 2 / rps.Average() * 100:0.0}%)") : "one run";
                var target = kind == "new" ? "> 2000 req/s, all 202, no repeats" : "—";
                var met = kind == "new" ? Met(rows.Select(r => r.Output.RequestsPerSecond > TargetRequestsPerSecond && r.Output.Non2xx == 0 && r.Output.SocketErrors == 0 && r.Pool is { Repeats: 0 }).ToList()) : "—";
                text.AppendLine(C, $"| {Describe(kind, meta)} | {c} | {rps.Average():0} | {spread} | {rows.Max(r => r.Output.P50Ms ?? 0):0.00} | {rows.Max(r => r.Output.P99Ms ?? 0):0.00} | {(ratios.Count > 0 ? ratios.Average().ToString("0.000", C) : "—")} | {target} | {met} |");
            }
        }

        text.AppendLine();
        WriteChecks(text, runs, meta);
        WriteRuns(text, runs, baselines);
        WriteNotes(text, meta, workers);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        await File.WriteAllTextAsync(outputPath, text.ToString(), cancellationToken);
        Console.WriteLine(text.ToString());
        return runs.Count > 0 ? 0 : 1;
    }

    private static string Describe(string kind, Dictionary<string, string> meta) => kind switch
    {
        "baseline" => $"GET {meta.GetValueOrDefault("baseline_path", "?")} (baseline, unsigned)",
        "new" => "POST /inbox, signed, new activities",
        _ => "POST /inbox, signed, duplicates",
    };

    private static void WriteRunFacts(StringBuilder text, Dictionary<string, string> meta, List<string[]> loads, bool workers)
    {
        text.AppendLine("## Run");
        text.AppendLine();
        text.AppendLine(C, $"- When: {meta.GetValueOrDefault("started", "?")} to {meta.GetValueOrDefault("finished", "?")}");
        text.AppendLine(C, $"- Code: commit `{meta.GetValueOrDefault("git_commit", "?")}`{(meta.GetValueOrDefault("git_dirty", "") is { Length: > 0 } dirty ? $" with uncommitted changes in {dirty} files (other engineers' work in progress)" : "")}; Release builds");
        text.AppendLine(C, $"- Machine: {meta.GetValueOrDefault("cores", "?")} cores ({meta.GetValueOrDefault("cpu_model", "?")}), {meta.GetValueOrDefault("mem_total", "?")} RAM; server, wrk and anything else running share the cores");
        foreach (var load in loads)
        {
            text.AppendLine(C, $"- Load average (/proc/loadavg) {load[0]}: `{load[1]}`");
        }

        text.AppendLine(C, $"- Load generator: wrk {meta.GetValueOrDefault("wrk_version", "?")} over loopback (127.0.0.1), {meta.GetValueOrDefault("wrk_threads", "2")} threads, concurrency {meta.GetValueOrDefault("connections", "?")}, {meta.GetValueOrDefault("wrk_duration", "?")} per run, {meta.GetValueOrDefault("reps", "?")} repetition(s) after a warm-up of {meta.GetValueOrDefault("warmup", "?")} of signed POSTs and {meta.GetValueOrDefault("warmup", "?")} of the baseline");
        text.AppendLine(C, $"- Server: the standalone host (Release, embedded SQLite), `{meta.GetValueOrDefault("server_env", "?")}`; peak resident memory (VmHWM) {meta.GetValueOrDefault("server_peak_rss", "?")}");
        text.AppendLine(workers
            ? "- Queue workers **on**: the `ingest` handlers (Create → NoteIngestor → StatusService) run in the same process while the inbox is loaded."
            : "- Queue workers **off** (`RUN_QUEUE_WORKERS=false`): the server answers the inbox and queues `ingest` messages, which wait durably; ingestion does not compete with the inbox for the two cores. This is the inbox's own rate (a web-only process in front of separate workers).");
        text.AppendLine("- Sender: one remote actor (`https://remote.example/users/sender`) seeded as the server holds it after one fetch: the account with `PublicKeyPem`/`PublicKeyId` through `AccountService.SaveRemoteAsync`, and the `LookupKeys.Uri(keyId)` lookup. No request fetches anything.");
        text.AppendLine("- Requests: `Create` activities wrapping a `Note` (about 1.2 KB of JSON with a link and a hashtag), each with its own activity id, pre-signed by `Serverless.LoadTests fed-sign` with `HttpSignatureSigner` (draft-cavage `rsa-sha256` over `(request-target) host date digest content-type`, RSA-2048, `Digest: SHA-256=…`, `Date` minutes old; `published` one millisecond apart per activity, as posts spread in time) and replayed by `wrk/inbox.lua`, each thread cycling through its own file. The new-activity pool of each run is signed just before it; the duplicate runs cycle through 2,000 activities the server received during the warm-up.");
        text.AppendLine();
    }

    private static void WriteChecks(StringBuilder text, List<Run> runs, Dictionary<string, string> meta)
    {
        text.AppendLine("## What the server took in");
        text.AppendLine();
        text.AppendLine("Counted from the server's SQLite files before and after each inbox run: `in:` records in the `activities` container (one per distinct activity id received) and the `ingest` queue; what was recorded but did not stay in the queue was ingested during the run (always 0 with the workers off). wrk counts completed responses; \"made\" counts every request the script handed to wrk, including the few still in flight when the run stopped.");
        text.AppendLine();
        text.AppendLine("| Rep | Concurrency | Inbox run | responses | requests made | pool | repeats beyond the pool | new activities recorded | ingested meanwhile (per s) | non-2xx | socket errors |");
        text.AppendLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs.Where(r => Kinds.Contains(r.Name)).OrderBy(r => r.Rep).ThenBy(r => r.Connections).ThenBy(r => Array.IndexOf(Kinds, r.Name)))
        {
            var ingested = run.Ingested is { } n ? string.Create(C, $"{n:N0} ({n / Math.Max(run.Output.DurationSeconds, 1):0})") : "?";
            text.AppendLine(C, $"| {run.Rep} | {run.Connections} | {run.Name} | {run.Output.Requests:N0} | {run.Pool?.Made.ToString("N0", C) ?? "?"} | {run.Pool?.Size.ToString("N0", C) ?? "?"} | {run.Pool?.Repeats.ToString("N0", C) ?? "?"} | {run.Accepted?.ToString("N0", C) ?? "?"} | {ingested} | {run.Output.Non2xx:N0} | {run.Output.SocketErrors:N0} |");
        }

        var news = runs.Where(r => r.Name == "new").ToList();
        var duplicates = runs.Where(r => r.Name == "duplicate").ToList();
        text.AppendLine();
        var newOk = news.All(r => r.Pool is { Repeats: 0 } && r.Accepted is { } a && a >= r.Output.Requests && a <= r.Pool.Made);
        text.AppendLine(C, $"- New-activity runs: {(newOk ? "every response was to a distinct, new activity (no run outran its pool, and the server recorded one new activity per response, plus those still in flight at the end)" : "**check the table**: a run outran its pool or the server's count differs from wrk's")}.");
        var duplicateOk = duplicates.All(r => r.Accepted == 0);
        text.AppendLine(C, $"- Duplicate runs: {(duplicateOk ? "nothing new was recorded: every request was a redelivery, answered 202 and dropped" : "**check the table**: something new was recorded")}.");
        text.AppendLine(C, $"- Server log: {meta.GetValueOrDefault("server_errors", "?")} entries at warning level or above (`server.log` in the raw folder); {meta.GetValueOrDefault("server_cut", "?")} of them are `Unexpected end of request content` in `POST /inbox`, requests that wrk cut off when a run stopped; {meta.GetValueOrDefault("server_conflicts", "?")} mention a `DocumentConflictException`.");
        text.AppendLine();
    }

    private static void WriteRuns(StringBuilder text, List<Run> runs, Dictionary<(int, int), double> baselines)
    {
        text.AppendLine("## Every run");
        text.AppendLine();
        text.AppendLine("| Rep | Concurrency | Run | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx | baseline req/s | ratio |");
        text.AppendLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs.OrderBy(r => r.Rep).ThenBy(r => r.Connections).ThenBy(r => Array.IndexOf(Order, r.Name)))
        {
            var o = run.Output;
            var baseline = baselines.GetValueOrDefault((run.Rep, run.Connections));
            text.AppendLine(C, $"| {run.Rep} | {run.Connections} | {run.Name} | {o.RequestsPerSecond:0} | {o.P50Ms:0.00} | {o.P90Ms:0.00} | {o.P99Ms:0.00} | {o.MaxMs:0.00} | {o.Requests:N0} | {o.Non2xx:N0} | {baseline:0} | {(baseline > 0 ? (o.RequestsPerSecond / baseline).ToString("0.000", C) : "—")} |");
        }

        text.AppendLine();
    }

    private static void WriteNotes(StringBuilder text, Dictionary<string, string> meta, bool workers)
    {
        text.AppendLine("## Notes");
        text.AppendLine();
        text.AppendLine("- What a new activity costs the server: reading the body (1 MiB cap), parsing it, the signature's checks (Date within 12 h, `Digest` against the body), the key from the read cache (lookup and account point reads), one RSA-2048 public-key verification, the received-activity record (one SQLite insert) and the `ingest` message (one SQLite insert), then 202. A duplicate stops at the insert, which finds the record.");
        text.AppendLine("- The baseline is unsigned and anonymous (an empty list): it measures HTTP, routing and the dispatcher on the same machine in the same minutes, so the ratio isolates the inbox's own work. Rate limits are off for the run (`RATE_LIMIT_REQUESTS=0`) only because the baseline is under `/api/`; the inbox is never rate-limited.");
        text.AppendLine("- The server and wrk share two cores; the absolute numbers move with whatever else runs. Read the ratios and the load averages above (the run itself keeps the 1-minute average near 3).");
        text.AppendLine(workers
            ? "- With the workers on, the ingest queue is drained while the inbox is loaded, so each accepted activity also costs its ingestion (a remote status stored and fanned out) on the same cores."
            : "- `--workers on` measures the same with the queue workers ingesting on the same cores (`results/federation-workers.md` when run).");
        text.AppendLine(C, $"- Raw outputs: `wrk/*.txt`, `counts/*.json`, `loadavg.tsv`, `seed.txt`/`seed.json`, `sign-*.txt`, `server.log`; produced by `tests/Serverless.LoadTests/federation.sh {meta.GetValueOrDefault("args", "")}`.");
    }

    private List<Run> ReadRuns()
    {
        var folder = Path.Combine(rawDirectory, "wrk");
        var runs = new List<Run>();
        if (!Directory.Exists(folder))
        {
            return runs;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "rep*.txt").Order(StringComparer.Ordinal))
        {
            var match = RunFile().Match(Path.GetFileName(file));
            var content = File.ReadAllText(file);
            if (!match.Success || WrkOutput.Parse(content) is not { } output)
            {
                continue;
            }

            var rep = int.Parse(match.Groups[1].Value, C);
            var connections = int.Parse(match.Groups[2].Value, C);
            var name = match.Groups[3].Value;
            var poolMatch = PoolLine().Match(content);
            var pool = poolMatch.Success
                ? new Pool(long.Parse(poolMatch.Groups[1].Value, C), long.Parse(poolMatch.Groups[2].Value, C), long.Parse(poolMatch.Groups[3].Value, C))
                : null;
            long? accepted = null;
            long? ingested = null;
            if (Kinds.Contains(name)
                && ReadCount($"rep{rep}-c{connections}-{name}-before") is { } before
                && ReadCount($"rep{rep}-c{connections}-{name}-after") is { } after)
            {
                accepted = after.Received - before.Received;
                // What the queue did not keep was ingested (completed) during the run.
                ingested = accepted - ((after.Ready + after.NotVisible) - (before.Ready + before.NotVisible));
            }

            runs.Add(new Run(rep, connections, name, output, pool, accepted, ingested));
        }

        return runs;
    }

    private IngestCount? ReadCount(string name)
    {
        var path = Path.Combine(rawDirectory, "counts", name + ".json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), FederationLoadJsonContext.Default.IngestCount) : null;
    }

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
                meta[line[..eq]] = line[(eq + 1)..];
            }
        }

        return meta;
    }
}
