using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Azure;
using Serverless.Azure.Blob;
using Serverless.Azure.Cosmos;
using Serverless.Azure.ServiceBus;
using Serverless.Azure.WebPubSub;
using Serverless.Core.Media;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Embedded.FileSystem;
using Serverless.Embedded.Queues;
using Serverless.Embedded.Streaming;

namespace Serverless.Functions.Tests;

/// <summary>STORAGE_ADAPTERS and the Service Bus connection choose the Functions app's adapters.</summary>
public sealed class AdapterSwitchTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "functions-adapters-" + Guid.NewGuid().ToString("N"));

    /// <summary>What azd's Bicep sets, in the shape the worker sees it (<c>A__b</c> as <c>A:b</c>).</summary>
    private Dictionary<string, string?> AzureSettings() => new()
    {
        ["LOCAL_DOMAIN"] = "social.example",
        ["DATA_DIR"] = _dataDirectory,
        ["STORAGE_ADAPTERS"] = "azure",
        ["Cosmos:accountEndpoint"] = "https://social.documents.azure.com:443/",
        ["MediaStorage:blobServiceUri"] = "https://social.blob.core.windows.net",
        ["ServiceBusConnection:fullyQualifiedNamespace"] = "social.servicebus.windows.net",
        ["WebPubSub:endpoint"] = "https://social.webpubsub.azure.com",
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        FunctionsServices.Add(services, configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void By_default_everything_is_embedded_and_the_queue_pump_runs()
    {
        using var provider = Build(new() { ["LOCAL_DOMAIN"] = "social.example", ["DATA_DIR"] = _dataDirectory });
        Assert.IsType<CachingDocumentStore>(provider.GetRequiredService<IDocumentStore>());
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "documents.db")));
        Assert.IsType<FileSystemMediaStore>(provider.GetRequiredService<IMediaStore>());
        Assert.IsType<SqliteWorkQueue>(provider.GetRequiredService<IWorkQueue>());
        Assert.IsType<InProcessStreamHub>(provider.GetRequiredService<IStreamPublisher>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is QueuePump);
    }

    [Fact]
    public void Azure_puts_documents_in_Cosmos_media_in_Blob_queues_on_Service_Bus_and_streams_on_Web_PubSub()
    {
        using var provider = Build(AzureSettings());
        Assert.IsType<CachingDocumentStore>(provider.GetRequiredService<IDocumentStore>());
        Assert.NotNull(provider.GetService<CosmosDocumentStore>());
        // The SQLite store is never opened: nothing is written to the worker's disk.
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "documents.db")));

        var media = Assert.IsType<BlobMediaStore>(provider.GetRequiredService<IMediaStore>());
        Assert.Equal(new Uri("https://social.blob.core.windows.net/media"), media.Container.Uri);
        Assert.Equal("https://social.example/system/a/b.png", media.GetPublicUrl("a/b.png").ToString());

        Assert.IsType<ServiceBusWorkQueue>(provider.GetRequiredService<IWorkQueue>());
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "queues.db")));
        // No queue pump (the triggers consume), and no container creation (Bicep made it).
        Assert.Empty(provider.GetServices<IHostedService>());
        Assert.IsType<WebPubSubStreamPublisher>(provider.GetRequiredService<IStreamPublisher>());
        Assert.NotNull(provider.GetService<IStreamingEventHandler>());
    }

    [Fact]
    public void Azure_without_DATA_DIR_keeps_the_embedded_leftovers_in_the_temp_folder()
    {
        var settings = AzureSettings();
        settings.Remove("DATA_DIR");
        using var provider = Build(settings);
        Assert.StartsWith(Path.GetTempPath(), Path.GetFullPath(provider.GetRequiredService<Serverless.Core.Configuration.InstanceOptions>().DataDirectory), StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_storage_with_a_Service_Bus_connection_sends_to_Service_Bus_without_the_pump()
    {
        using var provider = Build(new() { ["DATA_DIR"] = _dataDirectory, ["ServiceBusConnection"] = "Endpoint=sb://social.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5" });
        Assert.IsType<ServiceBusWorkQueue>(provider.GetRequiredService<IWorkQueue>());
        Assert.IsType<FileSystemMediaStore>(provider.GetRequiredService<IMediaStore>());
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), s => s is QueuePump);
    }

    [Theory]
    [InlineData("Cosmos:accountEndpoint", "Cosmos__accountEndpoint")]
    [InlineData("MediaStorage:blobServiceUri", "MediaStorage__blobServiceUri")]
    [InlineData("ServiceBusConnection:fullyQualifiedNamespace", "ServiceBusConnection__fullyQualifiedNamespace")]
    [InlineData("WebPubSub:endpoint", "WebPubSub__endpoint")]
    public void Azure_with_a_setting_missing_stops_at_startup_naming_it(string missing, string named)
    {
        var settings = AzureSettings();
        settings.Remove(missing);
        var error = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Azure", StorageAdapters.Azure)]
    [InlineData(" embedded ", StorageAdapters.Embedded)]
    [InlineData("", StorageAdapters.Embedded)]
    public void The_switch_reads_its_two_values(string value, StorageAdapters expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["STORAGE_ADAPTERS"] = value }).Build();
        Assert.Equal(expected, Adapters.Storage(configuration));
    }

    [Fact]
    public void Any_other_value_stops_at_startup()
    {
        var settings = AzureSettings();
        settings["STORAGE_ADAPTERS"] = "cosmos";
        var error = Assert.Throws<FormatException>(() => Build(settings).Dispose());
        Assert.Contains("STORAGE_ADAPTERS", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
