using System.Globalization;
using System.Text.Json;
using Serverless.LoadTests;

// The load harness of the client API; run.sh is the usual way in. Commands:
//   seed      --data DIR [--statuses 100000] [--followed 1000] [--domain loadtest.test] [--parallel 2] [--force]
//   endpoints                                   the endpoints under load: "name<TAB>path" lines
//   check     --data DIR --url URL              every endpoint answers 200 with full pages
//   fanout    --data DIR --url URL [--timeout 10] [--out FILE]
//   report    --raw DIR --out FILE [--data DIR]
// Federation (federation.sh):
//   fed-seed   --data DIR [--domain loadtest.test] [--remote-domain remote.example]
//   fed-sign   --data DIR --url INBOX_URL --first N --count N --out PREFIX [--threads 2] [--parallel 2]
//   fed-count  --data DIR [--out FILE]          the ingest queue's counts (activities taken in)
//   fed-report --raw DIR --out FILE
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Serverless.LoadTests seed|endpoints|check|fanout|report|fed-seed|fed-sign|fed-count|fed-report [options] (see Program.cs)");
    return 2;
}

var options = Options.Parse(args.Skip(1));
switch (args[0])
{
    case "seed":
        return await new Seeder(
            new SeedOptions
            {
                DataDirectory = options.Required("data"),
                Statuses = options.Int("statuses", 100_000),
                Followed = options.Int("followed", 1000),
                Domain = options.Get("domain") ?? "loadtest.test",
                Parallel = Math.Max(1, options.Int("parallel", 2)),
                Force = options.Flag("force"),
            },
            Console.Out).RunAsync(cancel.Token);

    case "endpoints":
        foreach (var endpoint in Endpoints.All)
        {
            Console.WriteLine($"{endpoint.Name}\t{endpoint.Path}");
        }

        return 0;

    case "check":
        return await new SmokeCheck(options.Required("data"), new Uri(options.Required("url")), Console.Out).RunAsync(cancel.Token);

    case "fanout":
        var result = await new FanoutCheck(
            options.Required("data"), new Uri(options.Required("url")), TimeSpan.FromSeconds(options.Int("timeout", 10)), Console.Out).RunAsync(cancel.Token);
        if (options.Get("out") is { } outPath)
        {
            await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(result, LoadTestJsonContext.Default.FanoutResult), cancel.Token);
        }

        return result.AllMilliseconds is null ? 1 : 0;

    case "fed-seed":
        return await new Serverless.LoadTests.Federation.FederationSeeder(
            options.Required("data"), options.Get("domain") ?? "loadtest.test", options.Get("remote-domain") ?? "remote.example", Console.Out).RunAsync(cancel.Token);

    case "fed-sign":
        return await new Serverless.LoadTests.Federation.InboxActivitySigner(
            options.Required("data"),
            new Uri(options.Required("url")),
            long.Parse(options.Required("first"), CultureInfo.InvariantCulture),
            options.Int("count", 1000),
            Math.Max(1, options.Int("threads", 2)),
            options.Required("out"),
            Math.Max(1, options.Int("parallel", 2)),
            Console.Out).RunAsync(cancel.Token);

    case "fed-count":
        return await Serverless.LoadTests.Federation.IngestCounter.RunAsync(options.Required("data"), options.Get("out"), Console.Out, cancel.Token);

    case "fed-report":
        return await new Serverless.LoadTests.Federation.FederationReport(options.Required("raw"), options.Required("out")).WriteAsync(cancel.Token);

    case "report":
        return await new Report(options.Required("raw"), options.Required("out"), options.Get("data")).WriteAsync(cancel.Token);

    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        return 2;
}

/// <summary>`--name value` pairs and bare `--flag`s.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}'.");
            }

            var name = list[i][2..];
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            options._values[name] = hasValue ? list[++i] : null;
        }

        return options;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.ContainsKey(name);
}
