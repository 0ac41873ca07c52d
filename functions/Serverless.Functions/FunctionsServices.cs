using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

        var options = InstanceOptions.FromConfiguration(configuration);
        services.AddSingleton(Serverless.ActivityPub.Delivery.DeliveryOptions.FromConfiguration(configuration));
        services.AddServerlessApplication(options);

        // -----------------------------------------------------------------------------------------
        // ADAPTERS. For now every run uses the embedded adapters (SQLite documents and queues,
        // filesystem media, in-process streaming), so that a local Functions run works with no Azure
        // resources. The embedded queue pump runs only when no Service Bus connection is
        // configured; with one, the Service Bus triggers call the queue handlers instead.
        // TODO(azure adapters): switch here to the Azure adapters (Cosmos DB documents, Blob media,
        // the Service Bus sender as IWorkQueue, the Web PubSub stream publisher) when their
        // settings are present, e.g. Adapters.ServiceBusConfigured(configuration).
        // -----------------------------------------------------------------------------------------
        var serviceBus = Adapters.ServiceBusConfigured(configuration);
        services.AddEmbeddedAdapters(options, runQueuePump: !serviceBus);

        return options;
    }
}
