using Serverless.Core.Storage;
using Serverless.Tests.Storage;

namespace Serverless.Tests.Azure.Cosmos;

/// <summary>The document-store contract, on the Cosmos DB API server through the Cosmos adapter.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosDocumentStoreContractTests(CosmosTestServer server) : DocumentStoreContract
{
    protected override Task<IDocumentStore> CreateStoreAsync() => Task.FromResult<IDocumentStore>(server.Store);

    // The store and its client are shared by every test (and released with the server).
    protected override Task DisposeStoreAsync(IDocumentStore store) => Task.CompletedTask;
}
