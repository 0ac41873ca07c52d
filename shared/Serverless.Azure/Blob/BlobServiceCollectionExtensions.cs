using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Core.Configuration;
using Serverless.Core.Media;

namespace Serverless.Azure.Blob;

public static class BlobServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlobMediaStore"/> as the <see cref="IMediaStore"/> (before the
    /// embedded adapters, whose filesystem store then stays unused). With a connection string to
    /// a loopback endpoint (Azurite), the container is created at startup; in Azure, Bicep creates it.
    /// </summary>
    public static IServiceCollection AddBlobMediaStore(this IServiceCollection services, BlobMediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Configured)
        {
            throw new InvalidOperationException("The Blob media store needs MediaStorage__blobServiceUri (with a managed identity) or a MediaStorage connection string (Azurite).");
        }

        var container = CreateContainerClient(options);
        services.AddLogging();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new BlobMediaStore(
            container, options, sp.GetRequiredService<InstanceOptions>(), sp.GetRequiredService<ILogger<BlobMediaStore>>()));
        services.TryAddSingleton<IMediaStore>(sp => sp.GetRequiredService<BlobMediaStore>());
        if (CreatesContainer(options, container))
        {
            services.AddHostedService<BlobContainerInitializer>();
        }

        return services;
    }

    /// <summary>The container client for the options: Entra identity with a service URI, else the connection string.</summary>
    public static BlobContainerClient CreateContainerClient(BlobMediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new BlobClientOptions();
        var service = options.BlobServiceUri is { } uri
            ? new BlobServiceClient(uri, AzureCredentials.Create(options.ClientId), clientOptions)
            : new BlobServiceClient(options.ConnectionString, clientOptions);
        return service.GetBlobContainerClient(options.ContainerName);
    }

    /// <summary>Only a local emulator gets its container created by the application: a connection string to a loopback endpoint.</summary>
    public static bool CreatesContainer(BlobMediaOptions options, BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(container);
        return options.BlobServiceUri is null && container.Uri.IsLoopback;
    }

    private sealed class BlobContainerInitializer(BlobMediaStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.CreateContainerIfNotExistsAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
