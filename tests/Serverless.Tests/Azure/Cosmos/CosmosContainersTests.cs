using System.Text.Json.Nodes;
using Serverless.Azure.Cosmos;
using Serverless.Core.Storage;

namespace Serverless.Tests.Azure.Cosmos;

[Collection(CosmosCollection.Name)]
public sealed class CosmosContainersTests(CosmosTestServer server)
{
    private static string InfraFile => Path.Combine(Serverless.CostModel.LocalServer.RepositoryRoot, "infra", "cosmos-containers.json");

    /// <summary>
    /// infra/cosmos-containers.json is what the Bicep creates. When it differs from the code this
    /// test rewrites it and fails, so the change shows up in the diff and gets committed.
    /// </summary>
    [Fact]
    public void The_container_list_for_the_Bicep_is_up_to_date()
    {
        var expected = CosmosContainers.ToInfraJson();
        var actual = File.Exists(InfraFile) ? File.ReadAllText(InfraFile) : null;
        if (actual != expected)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(InfraFile)!);
            File.WriteAllText(InfraFile, expected);
            Assert.Fail($"{InfraFile} was out of date and has been rewritten from CosmosContainers; commit it.");
        }
    }

    [Fact]
    public void Every_container_is_partitioned_on_pk_and_indexes_only_pk_and_its_filtered_fields()
    {
        var infra = JsonNode.Parse(CosmosContainers.ToInfraJson())!;
        var listed = infra["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Containers.All, listed);
        Assert.Equal(CosmosOptions.DefaultDatabase, infra["database"]!.GetValue<string>());
        foreach (var container in infra["containers"]!.AsArray())
        {
            Assert.Equal("/pk", container!["partitionKeyPath"]!.GetValue<string>());
            var policy = container["indexingPolicy"]!;
            Assert.Equal("consistent", policy["indexingMode"]!.GetValue<string>());
            Assert.Equal("""[{"path":"/*"}]""", policy["excludedPaths"]!.ToJsonString());
            var included = policy["includedPaths"]!.AsArray().Select(p => p!["path"]!.GetValue<string>()).ToList();
            Assert.Equal("/pk/?", included[0]);
            Assert.All(included.Skip(1), p => Assert.Matches("^/doc/[A-Za-z]+/\\?$", p));
        }

        // The fields the application's queries filter on are indexed where they are queried.
        Assert.True(CosmosContainers.IsIndexed(Containers.Timelines, "accountId"));
        Assert.True(CosmosContainers.IsIndexed(Containers.Statuses, "inReplyToId"));
        Assert.True(CosmosContainers.IsIndexed(Containers.Statuses, "accountId"));
        Assert.True(CosmosContainers.IsIndexed(Containers.Lists, "ownerId"));
        Assert.True(CosmosContainers.IsIndexed(Containers.Interactions, "kind"));
        Assert.False(CosmosContainers.IsIndexed(Containers.Accounts, "username"));
    }

    [Fact]
    public async Task The_store_creates_every_container_on_a_local_server()
    {
        // Any operation makes the store create them (Cosmos__createContainers, on for loopback).
        await server.Store.ReadAsync(Containers.Accounts, "p", "1", Serverless.Tests.Storage.TestJsonContext.Default.TestDocument, CancellationToken.None);
        foreach (var spec in CosmosContainers.All)
        {
            var properties = (await server.RawContainer(spec.Name).ReadContainerAsync()).Resource;
            Assert.Equal("/pk", properties.PartitionKeyPath);
        }
    }
}
