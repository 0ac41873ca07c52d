using Microsoft.Azure.Cosmos;
using Serverless.CostModel;
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
    public const string EndpointVariable = LocalServer.CosmosVariable;

    /// <summary>The server checks no signature; the SDK only needs a base64 key.</summary>
    public const string Key = LocalServer.CosmosKey;

    public const string Database = "serverless-tests";

    private LocalServer? _server;
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
        _server = await LocalServer.CosmosAsync(CancellationToken.None);
        Endpoint = _server.Endpoint;

        _client = CosmosClientFactory.Create(Options());
        Store = new CosmosDocumentStore(_client, Options(), Charges);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        Charges.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>One server and one client for every Cosmos test class.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosTestServer>
{
    public const string Name = "Cosmos";
}
