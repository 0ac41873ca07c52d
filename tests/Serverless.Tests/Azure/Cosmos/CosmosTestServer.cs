using System.Diagnostics;
using Microsoft.Azure.Cosmos;
using Serverless.Azure.Cosmos;

namespace Serverless.Tests.Azure.Cosmos;

/// <summary>
/// The Cosmos DB API server for the Cosmos tests (<c>@vercel/cosmosdb-server</c> with our shim,
/// tests/servers/cosmos/shim.js): the one <c>tests/run.sh</c> started (<c>COSMOS_TEST_ENDPOINT</c>),
/// else one started here from <c>tests/servers</c> (in memory, a free port) and stopped with the
/// tests. Without either the tests fail and say what to run; they never skip silently.
/// </summary>
public sealed class CosmosTestServer : IAsyncLifetime
{
    public const string EndpointVariable = "COSMOS_TEST_ENDPOINT";

    /// <summary>The server checks no signature; the SDK only needs a base64 key.</summary>
    public const string Key = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public const string Database = "serverless-tests";

    private Process? _process;
    private CosmosClient? _client;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>One store (and client) for every test: tests use partitions of their own.</summary>
    public CosmosDocumentStore Store { get; private set; } = null!;

    public CosmosRequestCharges Charges { get; } = new();

    public CosmosOptions Options(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) => new()
    {
        AccountEndpoint = Endpoint,
        Key = Key,
        Database = Database,
        CreateContainers = true,
        WrapHttpHandler = wrap,
    };

    /// <summary>The raw client, to look at items as Cosmos DB holds them.</summary>
    public Container RawContainer(string name) => _client!.GetContainer(Database, name);

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } given)
        {
            Endpoint = new Uri(given);
        }
        else
        {
            await StartAsync();
        }

        _client = CosmosClientFactory.Create(Options());
        Store = new CosmosDocumentStore(_client, Options(), Charges);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        Charges.Dispose();
        if (_process is null)
        {
            return;
        }

        // Closing stdin stops it (--exit-with-stdin); kill it if it lingers.
        _process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task StartAsync()
    {
        var servers = Path.Combine(RepositoryRoot(), "tests", "servers");
        var script = Path.Combine(servers, "cosmos", "shim.js");
        if (!Directory.Exists(Path.Combine(servers, "node_modules", "@vercel", "cosmosdb-server")))
        {
            throw new InvalidOperationException(
                $"The Cosmos tests need the Cosmos DB API server. Run `npm ci --prefix tests/servers` once (then the tests start it), or start it yourself with `node tests/servers/cosmos/shim.js` and set {EndpointVariable} to the endpoint it prints. `bash tests/run.sh` does all of this.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = servers,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--exit-with-stdin");
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        const string Ready = "cosmosdb-server listening at ";
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"The Cosmos DB API server exited before it listened (node {script}).");
            if (line.StartsWith(Ready, StringComparison.Ordinal))
            {
                Endpoint = new Uri(line[Ready.Length..].Trim());
                // Keep draining its output so a chatty server never blocks on a full pipe.
                _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return;
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }

    internal static string RepositoryRootPath() => RepositoryRoot();
}

/// <summary>One server and one client for every Cosmos test class.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosTestServer>
{
    public const string Name = "Cosmos";
}
