using System.Diagnostics.Metrics;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Core.Storage;

namespace Serverless.Azure.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Cosmos DB document store as <see cref="IDocumentStore"/>, behind the same
    /// <see cref="CachingDocumentStore"/> as the embedded store, replacing any store registered
    /// before (so it may come before or after <c>AddEmbeddedAdapters</c>). Also registers the
    /// <see cref="CosmosClient"/> (one per process, as the SDK wants) and
    /// <see cref="CosmosRequestCharges"/>, whose meter is <see cref="CosmosRequestCharges.MeterName"/>.
    /// </summary>
    public static IServiceCollection AddCosmosDocumentStore(this IServiceCollection services, CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton(options));
        services.TryAddSingleton(sp => new CosmosRequestCharges(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => CosmosClientFactory.Create(sp.GetRequiredService<CosmosOptions>()));
        services.TryAddSingleton(sp => new CosmosDocumentStore(
            sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<CosmosOptions>(),
            sp.GetRequiredService<CosmosRequestCharges>(),
            sp.GetRequiredService<ILogger<CosmosDocumentStore>>()));
        // Pages re-read the same statuses, authors and absent interactions: serve repeats from memory.
        services.TryAddSingleton(new CacheOptions());
        services.Replace(ServiceDescriptor.Singleton<IDocumentStore>(sp => new CachingDocumentStore(
            sp.GetRequiredService<CosmosDocumentStore>(), sp.GetRequiredService<CacheOptions>(), sp.GetRequiredService<TimeProvider>())));
        return services;
    }
}
