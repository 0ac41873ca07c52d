using Serverless.CostModel;
using Serverless.Core.Storage;
using Serverless.Tests.Azure.Blob;

namespace Serverless.Tests.Azure.Cosmos;

/// <summary>
/// One scenario of the cost model (tests/Serverless.CostModel) on the Cosmos DB API server, so
/// that what the model counts cannot drift unnoticed: a home timeline page costs a fixed set of
/// Cosmos DB requests, whatever the number of statuses behind it.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CostModelTests(CosmosTestServer cosmos) : IAsyncLifetime
{
    private const int Limit = 12;

    private readonly AzuriteServer _azurite = new();
    private Instance _instance = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _instance = await Instance.StartOnCosmosAsync(
            LocalServer.At(cosmos.Endpoint), LocalServer.At(_azurite.Endpoint), "cost-" + Guid.NewGuid().ToString("N")[..12], CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _instance.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_home_timeline_page_is_one_timeline_query_and_batched_reads_however_many_statuses_it_has()
    {
        var ct = CancellationToken.None;
        var harness = new CostHarness(_instance) { Quiet = TimeSpan.FromMilliseconds(300) };
        var scenarios = new Scenarios(harness) { StatusesPerAuthor = Limit / 4 };
        var reader = await _instance.SignUpAsync("reader", ct);
        var authors = await scenarios.SeedHomeAsync(reader, ct);

        var full = await scenarios.HomeTimelineAsync(reader, cold: true, ct, Limit);
        await Scenarios.PostManyAsync(authors, Limit / 4, ct);
        var twice = await scenarios.HomeTimelineAsync(reader, cold: true, ct, Limit);

        foreach (var page in new[] { full, twice })
        {
            // The page: one query of the reader's timeline partition, its statuses in one ReadMany,
            // their four authors in another; nothing written.
            Assert.Equal(1, page.Spent.RequestsOf("query", Containers.Timelines));
            var statuses = Assert.Single(page.Spent.Rows, r => r.Container == Containers.Statuses && r.Operation == "read_many");
            Assert.Equal((1, Limit), (statuses.Requests, statuses.Items));
            var accounts = Assert.Single(page.Spent.Rows, r => r.Container == Containers.Accounts && r.Operation == "read_many");
            Assert.Equal((1, 4), (accounts.Requests, accounts.Items));
            Assert.Equal(0, page.Writes);
            Assert.True(page.Queries <= 8, $"{page.Queries} queries for one page");
            Assert.True(page.Reads <= 3, $"{page.Reads} point reads for one page");
        }

        // Twice the statuses behind the page: the same requests, container by container (the
        // token's read is left out: its own 30-second cache decides whether a call makes it).
        static IEnumerable<(string, string, long)> Shape(CallCost page) =>
            page.Spent.Rows.Where(r => r.Container != Containers.OAuth).Select(r => (r.Container, r.Operation, r.Requests));
        Assert.Equal(Shape(full), Shape(twice));
        Assert.True(full.EstimatedRequestUnits > Limit, "a page of statuses costs at least a read of each");

        // Repeated at once, the instance's cache serves it.
        var warm = await scenarios.HomeTimelineAsync(reader, cold: false, ct, Limit);
        Assert.True(warm.Spent.Requests < full.Spent.Requests);
    }
}
