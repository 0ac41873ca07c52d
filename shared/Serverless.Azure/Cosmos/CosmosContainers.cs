using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Serverless.Core.Storage;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// One container as Cosmos DB holds it: partitioned on <c>/pk</c>, and indexed only where we
/// look. Every query is one partition ordered by <c>id</c> (always indexed) with equality filters,
/// so the index keeps <c>/pk</c> and the filtered fields and excludes everything else: writes
/// then cost the fewest request units.
/// </summary>
/// <param name="Name">The container (<see cref="Containers"/>).</param>
/// <param name="FilteredFields">Top-level fields of the stored documents that queries filter on (<see cref="FieldFilter.Field"/>).</param>
public sealed record CosmosContainerSpec(string Name, IReadOnlyList<string> FilteredFields)
{
    /// <summary>The paths the index keeps: the partition key and each filtered field inside the document.</summary>
    public IReadOnlyList<string> IncludedPaths =>
        [$"{CosmosContainers.PartitionKeyPath}/?", .. FilteredFields.Select(f => $"/{CosmosContainers.DocumentProperty}/{f}/?")];

    /// <summary>
    /// The indexing policy as the REST API and Bicep spell it. No composite indexes: the one sort is
    /// by <c>id</c>, a single path, and an equality filter with it is served by the filtered path's
    /// range index inside one logical partition.
    /// </summary>
    public JsonObject IndexingPolicyJson() => new()
    {
        ["indexingMode"] = "consistent",
        ["automatic"] = true,
        ["includedPaths"] = new JsonArray([.. IncludedPaths.Select(p => (JsonNode)new JsonObject { ["path"] = p })]),
        ["excludedPaths"] = new JsonArray(new JsonObject { ["path"] = "/*" }),
    };

    public IndexingPolicy IndexingPolicy()
    {
        var policy = new IndexingPolicy { IndexingMode = IndexingMode.Consistent, Automatic = true };
        foreach (var path in IncludedPaths)
        {
            policy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return policy;
    }

    public ContainerProperties Properties() => new(Name, CosmosContainers.PartitionKeyPath)
    {
        PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
        IndexingPolicy = IndexingPolicy(),
    };
}

/// <summary>
/// The containers of <see cref="Containers.All"/> as Cosmos DB needs them. In Azure the Bicep
/// creates them from <c>infra/cosmos-containers.json</c> (written from <see cref="ToInfraJson"/>
/// and checked by a test); against a local server the store creates them itself.
/// </summary>
public static class CosmosContainers
{
    /// <summary>Every item is <c>{"id": …, "pk": …, "doc": {…the stored record…}}</c>; the partition key path is this.</summary>
    public const string PartitionKeyPath = "/pk";

    /// <summary>
    /// The property holding the stored record. Records keep their own fields, <c>id</c> included
    /// (a notification's <c>id</c> is its Mastodon id, while its item id is the sortable form), so
    /// they sit one level down, as in the SQLite store's body column.
    /// </summary>
    public const string DocumentProperty = "doc";

    /// <summary>Where the store's queries filter (grep <c>FieldFilter</c>); a filter elsewhere still works, scanning the partition.</summary>
    private static readonly Dictionary<string, string[]> Filtered = new(StringComparer.Ordinal)
    {
        // FollowService: a follower's home entries by the unfollowed account.
        [Containers.Timelines] = ["accountId"],
        // StatusObjects: a thread's replies index by replied-to status and author.
        [Containers.Statuses] = ["inReplyToId", "accountId"],
        // ListService: the lists an account is on, by list owner.
        [Containers.Lists] = ["ownerId"],
        // ActorDeletion: a deleted actor's favourites.
        [Containers.Interactions] = ["kind"],
    };

    public static ReadOnlyCollection<CosmosContainerSpec> All { get; } =
        Containers.All.Select(name => new CosmosContainerSpec(name, Filtered.GetValueOrDefault(name) ?? [])).ToList().AsReadOnly();

    public static CosmosContainerSpec? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>True when the container's index keeps <paramref name="field"/>.</summary>
    public static bool IsIndexed(string container, string field) =>
        Filtered.TryGetValue(container, out var fields) && fields.Contains(field, StringComparer.Ordinal);

    /// <summary>Creates the database and every container if missing (local servers; in Azure the Bicep does it).</summary>
    public static async Task EnsureCreatedAsync(CosmosClient client, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var db = (await client.CreateDatabaseIfNotExistsAsync(database, cancellationToken: cancellationToken)).Database;
        foreach (var container in All)
        {
            await db.CreateContainerIfNotExistsAsync(container.Properties(), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The container list for the Bicep (<c>loadJsonContent('cosmos-containers.json')</c>): name,
    /// partition key path and version, and the indexing policy as the ARM resource takes it.
    /// </summary>
    public static string ToInfraJson()
    {
        var root = new JsonObject
        {
            ["$comment"] = "Generated from shared/Serverless.Azure/Cosmos/CosmosContainers.cs by CosmosContainersTests; do not edit. Each item: Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers resource.id, partitionKey {paths: [partitionKeyPath], kind: 'Hash', version: partitionKeyVersion}, indexingPolicy.",
            ["database"] = CosmosOptions.DefaultDatabase,
            ["containers"] = new JsonArray([.. All.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["partitionKeyPath"] = PartitionKeyPath,
                ["partitionKeyVersion"] = 2,
                ["indexingPolicy"] = c.IndexingPolicyJson(),
            })]),
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            root.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
