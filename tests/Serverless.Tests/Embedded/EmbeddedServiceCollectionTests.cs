using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Core.Configuration;
using Serverless.Core.Media;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Embedded;
using Serverless.Embedded.FileSystem;
using Serverless.Embedded.Queues;
using Serverless.Embedded.Sqlite;
using Serverless.Embedded.Streaming;

namespace Serverless.Tests.Embedded;

public sealed class EmbeddedServiceCollectionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_ports_resolve_to_one_shared_instance_of_each_adapter()
    {
        var dataDirectory = Path.Combine(_directory.Path, "nested", "data");
        var options = new InstanceOptions { LocalDomain = "social.example", DataDirectory = dataDirectory };
        await using var services = new ServiceCollection().AddEmbeddedAdapters(options).BuildServiceProvider();

        Assert.True(Directory.Exists(dataDirectory));
        // The document port is the read cache in front of the one SQLite store.
        var documents = Assert.IsType<CachingDocumentStore>(services.GetRequiredService<IDocumentStore>());
        Assert.Same(services.GetRequiredService<SqliteDocumentStore>(), documents.Inner);
        Assert.Same(services.GetRequiredService<SqliteWorkQueue>(), services.GetRequiredService<IWorkQueue>());
        Assert.Same(services.GetRequiredService<FileSystemMediaStore>(), services.GetRequiredService<IMediaStore>());
        Assert.Same(services.GetRequiredService<InProcessStreamHub>(), services.GetRequiredService<IStreamPublisher>());
        Assert.Single(services.GetServices<IHostedService>().OfType<QueuePump>());

        Assert.Equal(Path.Combine(dataDirectory, "documents.db"), services.GetRequiredService<SqliteDocumentStore>().DatabasePath);
        Assert.Equal(Path.Combine(dataDirectory, "queues.db"), services.GetRequiredService<SqliteWorkQueue>().DatabasePath);
        Assert.Equal(new Uri("https://social.example/system/a/b.png"), services.GetRequiredService<IMediaStore>().GetPublicUrl("a/b.png"));
    }

    [Fact]
    public async Task Without_the_pump_no_hosted_service_is_added()
    {
        var options = new InstanceOptions { LocalDomain = "social.example", DataDirectory = _directory.Path };
        await using var services = new ServiceCollection().AddEmbeddedAdapters(options, runQueuePump: false).BuildServiceProvider();
        Assert.Empty(services.GetServices<IHostedService>());
    }
}
