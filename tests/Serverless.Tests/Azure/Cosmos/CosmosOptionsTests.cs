using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.Cosmos;
using Serverless.Core.Configuration;
using Serverless.Core.Storage;
using Serverless.Embedded;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Azure.Cosmos;

public sealed class CosmosOptionsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void An_Azure_account_signs_in_with_the_user_assigned_identity_and_leaves_containers_to_the_Bicep()
    {
        var options = CosmosOptions.FromConfiguration(Settings(
            ("Cosmos:accountEndpoint", "https://social.documents.azure.com:443/"),
            ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-00000000000a")));
        Assert.Equal(new Uri("https://social.documents.azure.com:443/"), options.AccountEndpoint);
        Assert.Null(options.Key);
        Assert.Equal("00000000-0000-0000-0000-00000000000a", options.ClientId);
        Assert.Equal("serverless", options.Database);
        Assert.False(options.IsLoopback);
        Assert.False(options.CreateContainers);

        var own = CosmosOptions.FromConfiguration(Settings(
            ("Cosmos:accountEndpoint", "https://social.documents.azure.com:443/"),
            ("Cosmos:clientId", "own"),
            ("AZURE_CLIENT_ID", "shared"),
            ("Cosmos:database", "mastodon")));
        Assert.Equal(("own", "mastodon"), (own.ClientId, own.Database));
    }

    [Theory]
    [InlineData("https://127.0.0.1:8081/")]
    [InlineData("http://localhost:8081/")]
    [InlineData("https://[::1]:8081/")]
    public void A_local_server_is_loopback_takes_a_key_and_gets_its_containers_created(string endpoint)
    {
        var options = CosmosOptions.FromConfiguration(Settings(("Cosmos:accountEndpoint", endpoint), ("Cosmos:key", "a2V5")));
        Assert.True(options.IsLoopback);
        Assert.True(options.CreateContainers);
        Assert.Equal("a2V5", options.Key);

        var off = CosmosOptions.FromConfiguration(Settings(("Cosmos:accountEndpoint", endpoint), ("Cosmos:createContainers", "false")));
        Assert.False(off.CreateContainers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("http://social.documents.azure.com/")]
    [InlineData("ftp://127.0.0.1/")]
    public void A_missing_or_unusable_endpoint_is_refused_by_name(string? endpoint)
    {
        var settings = endpoint is null ? Settings() : Settings(("Cosmos:accountEndpoint", endpoint));
        var thrown = Assert.Throws<InvalidOperationException>(() => CosmosOptions.FromConfiguration(settings));
        Assert.Contains("Cosmos__accountEndpoint", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throttle_retries_are_configurable()
    {
        var options = CosmosOptions.FromConfiguration(Settings(
            ("Cosmos:accountEndpoint", "https://a.documents.azure.com/"),
            ("Cosmos:maxRetryAttemptsOnThrottle", "3"),
            ("Cosmos:maxRetryWaitSeconds", "5")));
        Assert.Equal((3, TimeSpan.FromSeconds(5)), (options.MaxRetryAttemptsOnThrottle, options.MaxRetryWaitOnThrottle));
    }

    [Fact]
    public async Task The_Cosmos_store_is_the_document_store_behind_the_cache_whichever_adapters_came_first()
    {
        using var directory = new TempDirectory();
        var cosmos = new CosmosOptions { AccountEndpoint = new Uri("https://127.0.0.1:1/"), Key = "a2V5" };
        var services = new ServiceCollection();
        services.AddEmbeddedAdapters(new InstanceOptions { LocalDomain = "localhost:3000", DataDirectory = directory.Path }, runQueuePump: false);
        services.AddCosmosDocumentStore(cosmos);
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<CachingDocumentStore>(provider.GetRequiredService<IDocumentStore>());
        Assert.IsType<CosmosDocumentStore>(store.Inner);
        Assert.Same(provider.GetRequiredService<CosmosRequestCharges>(), provider.GetRequiredService<CosmosDocumentStore>().Charges);
        Assert.Same(cosmos, provider.GetRequiredService<CosmosOptions>());
    }
}
