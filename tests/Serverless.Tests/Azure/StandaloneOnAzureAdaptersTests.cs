using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.Blob;
using Serverless.Azure.Cosmos;
using Serverless.Core.Media;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Embedded.Queues;
using Serverless.Tests.Azure.Blob;
using Serverless.Tests.Azure.Cosmos;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Media;

namespace Serverless.Tests.Azure;

/// <summary>
/// The standalone host with <c>STORAGE_ADAPTERS=azure</c>, its documents in the Cosmos DB API
/// server and its media in Azurite, driven over HTTP as a client would: the switch, settings and
/// adapters working together.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class StandaloneOnAzureAdaptersTests(CosmosTestServer cosmos) : IAsyncLifetime
{
    private readonly AzuriteServer _azurite = new();
    private readonly string _database = "standalone-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = AzuriteServer.NewContainerName();
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        // Azurite's collection belongs to the Blob tests: this one reuses run.sh's or starts its own.
        await _azurite.InitializeAsync();
        _server = await StandaloneServer.StartAsync(new Dictionary<string, string?>
        {
            ["STORAGE_ADAPTERS"] = "azure",
            ["Cosmos:accountEndpoint"] = cosmos.Endpoint.AbsoluteUri,
            ["Cosmos:key"] = CosmosTestServer.Key,
            ["Cosmos:database"] = _database,
            ["MediaStorage"] = _azurite.ConnectionString,
            ["MEDIA_CONTAINER"] = _container,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Adapters_are_Cosmos_and_Blob_with_the_embedded_queue_and_nothing_on_disk_but_the_queue()
    {
        Assert.IsType<CachingDocumentStore>(_server.Services.GetRequiredService<IDocumentStore>());
        Assert.NotNull(_server.Services.GetService<CosmosDocumentStore>());
        Assert.IsType<BlobMediaStore>(_server.Services.GetRequiredService<IMediaStore>());
        Assert.IsType<SqliteWorkQueue>(_server.Services.GetRequiredService<IWorkQueue>());

        using var alice = (await _server.SignUpAsync("alice")).Client;
        Assert.False(File.Exists(Path.Combine(_server.DataDirectory, "documents.db")));
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "media", "media_attachments")));
    }

    [Fact]
    public async Task The_admin_command_creates_accounts_in_the_same_Cosmos_database()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LOCAL_DOMAIN"] = $"127.0.0.1:{_server.Port}",
            ["LOCAL_HTTPS"] = "false",
            ["DATA_DIR"] = _server.DataDirectory,
            ["STORAGE_ADAPTERS"] = "azure",
            ["Cosmos:accountEndpoint"] = cosmos.Endpoint.AbsoluteUri,
            ["Cosmos:key"] = CosmosTestServer.Key,
            ["Cosmos:database"] = _database,
            ["MediaStorage"] = _azurite.ConnectionString,
            ["MEDIA_CONTAINER"] = _container,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Serverless.Standalone.AdminCommand.RunAsync(["accounts", "create", "root", "--email", "root@example.com", "--role", "Owner"], output, error, configuration);
        Assert.True(exit == 0, error.ToString());

        // The running host, on the same database, knows the account.
        using var found = await _server.Client.GetAsync("/api/v1/accounts/lookup?acct=root");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.False(File.Exists(Path.Combine(_server.DataDirectory, "documents.db")));
    }

    [Fact]
    public async Task A_post_with_media_is_stored_in_Cosmos_and_Blob_and_reaches_the_timelines()
    {
        var (alice, account) = await _server.SignUpAsync("alice");
        using (alice)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(TestImages.Png(40, 30));
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "a.png");
            using var uploaded = await alice.PostAsync("/api/v1/media", form);
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
            var media = (await uploaded.Content.ReadFromJsonAsync<JsonObject>())!;

            var status = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject
            {
                ["status"] = "Hello from Cosmos and Blob",
                ["media_ids"] = new JsonArray(media["id"]!.GetValue<string>()),
            });
            var id = status["id"]!.GetValue<string>();

            // Home fills through the fanout queue; the status is a Cosmos item.
            var home = await StandaloneServer.EventuallyAsync(async () =>
            {
                var page = await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home");
                return page!.Any(s => s!["id"]!.GetValue<string>() == id) ? page : null;
            }, TimeSpan.FromSeconds(30));
            var shown = home.First(s => s!["id"]!.GetValue<string>() == id)!;
            Assert.Equal(account["id"]!.GetValue<string>(), shown["account"]!["id"]!.GetValue<string>());

            var attachment = shown["media_attachments"]![0]!;
            var url = new Uri(attachment["url"]!.GetValue<string>());
            Assert.StartsWith("/system/media_attachments/files/", url.AbsolutePath, StringComparison.Ordinal);
            using var served = await _server.Client.GetAsync(url.PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);

            var blobs = new List<string>();
            await foreach (var blob in _azurite.ServiceClient().GetBlobContainerClient(_container).GetBlobsAsync())
            {
                blobs.Add(blob.Name);
            }

            Assert.Contains(url.AbsolutePath["/system/".Length..], blobs);
            Assert.DoesNotContain(blobs, b => b.StartsWith(MediaKeys.PrivatePrefix, StringComparison.Ordinal));

            // The status is an item of the statuses container in the database named by Cosmos__database.
            using var client = CosmosClientFactory.Create(cosmos.Options() with { Database = _database });
            var items = new List<string>();
            using (var feed = client.GetContainer(_database, Containers.Statuses).GetItemQueryStreamIterator())
            {
                while (feed.HasMoreResults)
                {
                    using var response = await feed.ReadNextAsync();
                    using var reader = new StreamReader(response.Content);
                    items.Add(await reader.ReadToEndAsync());
                }
            }

            Assert.Contains(items, page => page.Contains("Hello from Cosmos and Blob", StringComparison.Ordinal));
        }
    }
}
