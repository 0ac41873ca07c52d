using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Core.Configuration;
using Serverless.Core.Media;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Embedded.FileSystem;
using Serverless.Embedded.Queues;
using Serverless.Embedded.Sqlite;
using Serverless.Embedded.Streaming;

namespace Serverless.Embedded;

public static class EmbeddedServiceCollectionExtensions
{
    /// <summary>File names inside <see cref="InstanceOptions.DataDirectory"/>.</summary>
    public const string DocumentsFile = "documents.db";

    public const string QueuesFile = "queues.db";

    public const string MediaFolder = "media";

    /// <summary>
    /// Registers the single-machine adapters behind the ports: SQLite documents and queues, media
    /// on the filesystem and an in-process streaming hub, all singletons under
    /// <see cref="InstanceOptions.DataDirectory"/>; and, when <paramref name="runQueuePump"/>, the
    /// <see cref="QueuePump"/> that runs the application's queue handlers. Register
    /// <see cref="QueuePumpOptions"/> or <see cref="SqliteWorkQueueOptions"/> beforehand to change
    /// their defaults.
    /// </summary>
    public static IServiceCollection AddEmbeddedAdapters(this IServiceCollection services, InstanceOptions options, bool runQueuePump = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new SqliteWorkQueueOptions());
        services.TryAddSingleton(new QueuePumpOptions());
        services.TryAddSingleton(sp => new QueueTelemetry(sp.GetService<IMeterFactory>()));

        services.TryAddSingleton(sp => new SqliteDocumentStore(
            Path.Combine(dataDirectory, DocumentsFile), sp.GetRequiredService<ILogger<SqliteDocumentStore>>()));
        // Pages re-read the same statuses, authors and absent interactions: serve repeats from memory.
        services.TryAddSingleton(new CacheOptions());
        services.TryAddSingleton<IDocumentStore>(sp => new CachingDocumentStore(
            sp.GetRequiredService<SqliteDocumentStore>(), sp.GetRequiredService<CacheOptions>(), sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp => new SqliteWorkQueue(
            Path.Combine(dataDirectory, QueuesFile),
            sp.GetRequiredService<SqliteWorkQueueOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<QueueTelemetry>(),
            sp.GetRequiredService<ILogger<SqliteWorkQueue>>()));
        services.TryAddSingleton<IWorkQueue>(sp => sp.GetRequiredService<SqliteWorkQueue>());

        services.TryAddSingleton(sp => new FileSystemMediaStore(
            Path.Combine(dataDirectory, MediaFolder), options.BaseUrl, sp.GetRequiredService<ILogger<FileSystemMediaStore>>()));
        services.TryAddSingleton<IMediaStore>(sp => sp.GetRequiredService<FileSystemMediaStore>());

        services.TryAddSingleton(_ => new InProcessStreamHub());
        services.TryAddSingleton<IStreamPublisher>(sp => sp.GetRequiredService<InProcessStreamHub>());

        if (runQueuePump)
        {
            services.AddHostedService<QueuePump>();
        }

        return services;
    }
}
