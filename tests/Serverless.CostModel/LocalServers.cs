using System.Diagnostics;

namespace Serverless.CostModel;

/// <summary>
/// One of the local servers in tests/servers (the Cosmos DB API server with our shim, Azurite):
/// the one named by an environment variable (as tests/run.sh exports them), else started here
/// on a free port and stopped on dispose. The cost model and the Cosmos and Blob test fixtures
/// all start them this way; without node_modules they fail and say what to run, never skip.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    public const string CosmosVariable = "COSMOS_TEST_ENDPOINT";

    public const string AzuriteVariable = "AZURITE_BLOB_ENDPOINT";

    /// <summary>The Cosmos DB API server checks no signature; the SDK only needs a base64 key.</summary>
    public const string CosmosKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public const string AzuriteAccount = "devstoreaccount1";

    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process? _process;

    private LocalServer(Uri endpoint, Process? process)
    {
        Endpoint = endpoint;
        _process = process;
    }

    public Uri Endpoint { get; }

    /// <summary>The checkout this runs from (the folder with Serverless.sln).</summary>
    public static string RepositoryRoot => Paths.RepositoryRoot;

    /// <summary>A MediaStorage connection string for an Azurite endpoint.</summary>
    public string AzuriteConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccount};AccountKey={AzuriteKey};BlobEndpoint={Endpoint.AbsoluteUri.TrimEnd('/')};";

    /// <summary>A server someone else started and stops (as the xunit fixtures do).</summary>
    public static LocalServer At(Uri endpoint) => new(endpoint, null);

    public static Task<LocalServer> CosmosAsync(CancellationToken cancellationToken) =>
        StartAsync("the Cosmos DB API server", CosmosVariable, Path.Combine("cosmos", "shim.js"), "cosmosdb-server listening at ", Path.Combine("@vercel", "cosmosdb-server"), cancellationToken);

    public static Task<LocalServer> AzuriteAsync(CancellationToken cancellationToken) =>
        StartAsync("Azurite", AzuriteVariable, Path.Combine("azurite", "start.js"), "azurite-blob listening at ", "azurite", cancellationToken);

    private static async Task<LocalServer> StartAsync(string name, string variable, string script, string ready, string package, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
        {
            return new LocalServer(new Uri(given), null);
        }

        var servers = Path.Combine(Paths.RepositoryRoot, "tests", "servers");
        if (!Directory.Exists(Path.Combine(servers, "node_modules", package)))
        {
            throw new InvalidOperationException(
                $"This needs {name}: run `npm ci --prefix tests/servers` once (then it is started here), or start `node tests/servers/{script.Replace('\\', '/')}` yourself and set {variable} to the endpoint it prints. `bash tests/run.sh` does all of this.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = servers,
        };
        start.ArgumentList.Add(Path.Combine(servers, script));
        start.ArgumentList.Add("--exit-with-stdin");
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"{name} exited before it listened (node {script}).");
            if (line.StartsWith(ready, StringComparison.Ordinal))
            {
                // Keep draining its output so that a chatty server never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new LocalServer(new Uri(line[ready.Length..].Trim()), process);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
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
}

internal static class Paths
{
    public static string RepositoryRoot { get; } = Find();

    private static string Find()
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
}
