using System.Diagnostics;
using Azure.Storage.Blobs;

namespace Serverless.Tests.Azure.Blob;

/// <summary>
/// Azurite's Blob service for the Blob tests: the one <c>tests/run.sh</c> started
/// (<c>AZURITE_BLOB_ENDPOINT</c>), else one started here from <c>tests/servers</c> (in memory, a
/// free port) and stopped with the tests. Without either the tests fail and say what to run;
/// they never skip silently.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    public const string EndpointVariable = "AZURITE_BLOB_ENDPOINT";

    /// <summary>The development account's well-known name and key, which every Azurite accepts.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;

    /// <summary>The blob endpoint with the account: <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>A connection string to this Azurite, as the <c>MediaStorage</c> setting takes it.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={Endpoint.AbsoluteUri.TrimEnd('/')};";

    public BlobServiceClient ServiceClient() => new(ConnectionString);

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName() => "t" + Guid.NewGuid().ToString("N")[..20];

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } given)
        {
            Endpoint = new Uri(given);
            return;
        }

        var servers = Path.Combine(RepositoryRoot(), "tests", "servers");
        var script = Path.Combine(servers, "azurite", "start.js");
        if (!Directory.Exists(Path.Combine(servers, "node_modules", "azurite")))
        {
            throw new InvalidOperationException(
                $"The Blob tests need Azurite. Run `npm ci --prefix tests/servers` once (then the tests start it), or start it yourself with `node tests/servers/azurite/start.js` and set {EndpointVariable} to the endpoint it prints. `bash tests/run.sh` does all of this.");
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

        // Azurite takes a few seconds to start on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        const string Ready = "azurite-blob listening at ";
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"Azurite exited before it listened (node {script}).");
            if (line.StartsWith(Ready, StringComparison.Ordinal))
            {
                Endpoint = new Uri(line[Ready.Length..].Trim());
                // Keep reading so that anything printed later never fills the pipe and stalls it.
                _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return;
            }
        }
    }

    public async Task DisposeAsync()
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
}

/// <summary>One Azurite for every Blob test class.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
