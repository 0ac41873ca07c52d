using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure;
using Serverless.Core.Configuration;
using Serverless.Embedded;
using Serverless.Mastodon;

namespace Serverless.Functions;

/// <summary>The Functions app's services; Program.cs calls this, and so can tests.</summary>
public static class FunctionsServices
{
    /// <summary>Largest request body the worker accepts: Mastodon takes videos up to ~99 MB.</summary>
    public const long MaxRequestBodySize = 120_000_000;

    public static InstanceOptions Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // The worker's Kestrel defaults to 30 MB (the host in front of it allows 210 MB).
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize);

        var storage = Adapters.Storage(configuration);
        var options = InstanceOptions.FromConfiguration(configuration);
        if (storage == StorageAdapters.Azure && string.IsNullOrWhiteSpace(configuration["DATA_DIR"]))
        {
            // The embedded adapters still register (all of them unused in azure) and
            // create DATA_DIR; a Functions app's own folder is read-only, the temp folder is not.
            options = options with { DataDirectory = Path.Combine(Path.GetTempPath(), "serverless-data") };
        }

        services.AddSingleton(Serverless.ActivityPub.Delivery.DeliveryOptions.FromConfiguration(configuration));
        services.AddServerlessApplication(options);

        // -----------------------------------------------------------------------------------------
        // ADAPTERS. STORAGE_ADAPTERS=embedded (the default: SQLite documents, filesystem media, so
        // that a local Functions run needs no Azure resources) or azure (Cosmos DB documents, Blob
        // media). The queue is Service Bus whenever its connection is configured (the triggers
        // consume it), else the embedded SQLite queue with its pump; streaming is Web PubSub
        // whenever its endpoint is configured, else the in-process hub. Azure requires both: a
        // worker's own SQLite queue or hub would strand messages and events on one instance. The
        // Azure registrations come first; the embedded ones then fill only what is left.
        // -----------------------------------------------------------------------------------------
        var serviceBus = Adapters.ServiceBusConfigured(configuration);
        var webPubSub = AzureAdapters.WebPubSubConfigured(configuration);
        if (storage == StorageAdapters.Azure)
        {
            var missing = new List<string>();
            if (!serviceBus)
            {
                missing.Add("ServiceBusConnection__fullyQualifiedNamespace (or a ServiceBusConnection connection string)");
            }

            if (!webPubSub)
            {
                missing.Add("WebPubSub__endpoint");
            }

            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"STORAGE_ADAPTERS=azure needs {string.Join(" and ", missing)}: a Functions app's queues and streams must reach every instance.");
            }

            services.AddAzureStorageAdapters(configuration);
        }

        if (serviceBus)
        {
            services.AddServiceBusWorkQueue(configuration);
        }

        if (webPubSub)
        {
            services.AddWebPubSubStreaming(configuration);
        }

        services.AddEmbeddedAdapters(options, runQueuePump: !serviceBus);

        return options;
    }
}
