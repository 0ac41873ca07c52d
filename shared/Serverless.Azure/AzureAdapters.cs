using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.Blob;
using Serverless.Azure.Cosmos;
using Serverless.Azure.ServiceBus;
using Serverless.Azure.WebPubSub;

namespace Serverless.Azure;

/// <summary>Which storage adapters a host runs with: <c>STORAGE_ADAPTERS</c>.</summary>
public enum StorageAdapters
{
    /// <summary>SQLite documents and files on disk under <c>DATA_DIR</c> (the default).</summary>
    Embedded,

    /// <summary>Cosmos DB documents and Blob Storage media.</summary>
    Azure,
}

/// <summary>
/// The one switch between the embedded and the Azure adapters, shared by both hosts. It is an
/// explicit setting rather than guessed from which Azure settings are present: a mistyped setting
/// must stop the app at startup, not quietly put an instance's data on a Functions worker's
/// throwaway disk.
/// </summary>
public static class AzureAdapters
{
    public const string Setting = "STORAGE_ADAPTERS";

    /// <summary><c>STORAGE_ADAPTERS</c>: <c>embedded</c> (or unset) or <c>azure</c>; anything else stops the host.</summary>
    public static StorageAdapters Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration["STORAGE_ADAPTERS"];
        return value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "embedded" => StorageAdapters.Embedded,
            "azure" => StorageAdapters.Azure,
            _ => throw new FormatException($"STORAGE_ADAPTERS '{value}' is not one of embedded, azure."),
        };
    }

    /// <summary>Whether a Service Bus connection is configured (namespace or connection string), as the triggers need it.</summary>
    public static bool ServiceBusConfigured(IConfiguration configuration) =>
        ServiceBusQueueOptions.FromConfiguration(configuration).Configured;

    /// <summary>
    /// Registers the Azure storage adapters: Cosmos DB as the document store and Blob Storage as
    /// the media store, both required. Call it before <c>AddEmbeddedAdapters</c>, which then
    /// fills in only what is left. Queues and streaming are the host's choice: see
    /// <see cref="AddServiceBusWorkQueue"/> and <see cref="AddWebPubSubStreaming"/>.
    /// </summary>
    public static IServiceCollection AddAzureStorageAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var missing = new List<string>();
        if (!CosmosOptions.IsConfigured(configuration))
        {
            missing.Add("Cosmos__accountEndpoint");
        }

        var blob = BlobMediaOptions.FromConfiguration(configuration);
        if (!blob.Configured)
        {
            missing.Add("MediaStorage__blobServiceUri (or a MediaStorage connection string for Azurite)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"STORAGE_ADAPTERS=azure needs {string.Join(" and ", missing)}.");
        }

        services.AddCosmosDocumentStore(CosmosOptions.FromConfiguration(configuration));
        services.AddBlobMediaStore(blob);
        return services;
    }

    /// <summary>Whether Web PubSub is configured (<c>WebPubSub__endpoint</c>).</summary>
    public static bool WebPubSubConfigured(IConfiguration configuration) =>
        WebPubSubOptions.FromConfiguration(configuration).Configured;

    /// <summary>Registers Web PubSub streaming (publisher and event handler) from the <c>WebPubSub</c> settings.</summary>
    public static IServiceCollection AddWebPubSubStreaming(this IServiceCollection services, IConfiguration configuration) =>
        services.AddWebPubSubStreaming(WebPubSubOptions.FromConfiguration(configuration));

    /// <summary>Registers the Service Bus work queue from the <c>ServiceBusConnection</c> settings.</summary>
    public static IServiceCollection AddServiceBusWorkQueue(this IServiceCollection services, IConfiguration configuration) =>
        services.AddServiceBusWorkQueue(ServiceBusQueueOptions.FromConfiguration(configuration));

    /// <summary>Registers the Service Bus queue pump (hosts without Service Bus triggers) from the <c>ServiceBusConnection</c> settings.</summary>
    public static IServiceCollection AddServiceBusQueuePump(this IServiceCollection services, IConfiguration configuration) =>
        services.AddServiceBusQueuePump(ServiceBusQueueOptions.FromConfiguration(configuration));
}
