using System.Globalization;
using System.Reflection;
using Serverless.CostModel;

// The Cosmos DB cost model: see README.md. Options: --out <file> (default results/cost.md),
// --followers <n> (local followers in the fan-out scenarios, default 10),
// --price <USD per million RU> (default 0.25, an assumption: it varies by region).
var output = Path.Combine(ProjectDirectory(), "results", "cost.md");
var followers = 10;
var price = 0.25;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out":
            output = Path.GetFullPath(args[++i]);
            break;
        case "--followers":
            followers = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--price":
            price = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}: use --out <file>, --followers <n>, --price <USD per million RU>.");
            return 2;
    }
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
var ct = cancel.Token;
Console.WriteLine("Starting the Cosmos DB API server and Azurite (tests/servers)…");
await using var cosmos = await LocalServer.CosmosAsync(ct);
await using var azurite = await LocalServer.AzuriteAsync(ct);
await using var instance = await Instance.StartOnCosmosAsync(cosmos, azurite, "cost-" + Guid.NewGuid().ToString("N")[..12], ct);
await using var peer = await Instance.StartEmbeddedAsync(ct);
var harness = new CostHarness(instance);
var scenarios = new Scenarios(harness, peer) { Followers = followers };
Console.WriteLine($"Measuring on http://{instance.Domain} (Cosmos DB at {cosmos.Endpoint}), peer http://{peer.Domain}…");
await scenarios.RunAllAsync(ct);

foreach (var call in harness.Results)
{
    Console.WriteLine(FormattableString.Invariant($"{call.Name,-70} {(call.Cold ? "cold" : "warm")} {call.Spent.Requests,4} requests {call.EstimatedRequestUnits,8:0.0} RU"));
}

Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, CostReport.Render(harness.Results, new Assumptions(), price), ct);
Console.WriteLine($"Wrote {output}");
return 0;

static string ProjectDirectory() =>
    typeof(CostHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "CostModelProjectDirectory")?.Value
    ?? Directory.GetCurrentDirectory();
