using Azure.Storage.Blobs;
using Serverless.CostModel;

namespace Serverless.Tests.Azure.Blob;

/// <summary>
/// Azurite's Blob service for the Blob tests: the one <c>tests/run.sh</c> started
/// (<c>AZURITE_BLOB_ENDPOINT</c>), else one started here from <c>tests/servers</c> (in memory, a
/// free port) and stopped with the tests. Without either the tests fail and say what to run;
/// they never skip silently.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    public const string EndpointVariable = LocalServer.AzuriteVariable;

    /// <summary>The development account's well-known name and key, which every Azurite accepts.</summary>
    public const string AccountName = LocalServer.AzuriteAccount;

    public const string AccountKey = LocalServer.AzuriteKey;

    private LocalServer? _server;

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
        _server = await LocalServer.AzuriteAsync(CancellationToken.None);
        Endpoint = _server.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>One Azurite for every Blob test class.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
