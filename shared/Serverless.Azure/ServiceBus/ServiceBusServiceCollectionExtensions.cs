using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Core.Queues;

namespace Serverless.Azure.ServiceBus;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceBusWorkQueue"/> as the <see cref="IWorkQueue"/> (before the
    /// embedded adapters, whose SQLite queue then stays unused), over one <see cref="ServiceBusClient"/>
    /// that it owns.
    /// Only sending is set up here: in the Functions app the Service Bus triggers receive.
    /// </summary>
    public static IServiceCollection AddServiceBusWorkQueue(this IServiceCollection services, ServiceBusQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Configured)
        {
            throw new InvalidOperationException("The Service Bus work queue needs ServiceBusConnection__fullyQualifiedNamespace (with a managed identity) or a ServiceBusConnection connection string.");
        }

        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        // The queue owns its client (disposing it after the senders), so a container disposed
        // synchronously never meets a service that is only IAsyncDisposable.
        services.TryAddSingleton(sp => ServiceBusWorkQueue.Create(CreateClient(options), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IWorkQueue>(sp => sp.GetRequiredService<ServiceBusWorkQueue>());
        return services;
    }

    /// <summary>
    /// Registers the <see cref="ServiceBusQueuePump"/>, which runs the queue handlers from Service
    /// Bus in a host without Service Bus triggers (the standalone host).
    /// </summary>
    public static IServiceCollection AddServiceBusQueuePump(this IServiceCollection services, ServiceBusQueueOptions options, ServiceBusQueuePumpOptions? pumpOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Configured)
        {
            throw new InvalidOperationException("The Service Bus queue pump needs ServiceBusConnection__fullyQualifiedNamespace or a ServiceBusConnection connection string.");
        }

        services.AddLogging();
        services.AddHostedService(sp => new ServiceBusQueuePump(
            CreateClient(options), sp, pumpOptions ?? new ServiceBusQueuePumpOptions(), sp.GetRequiredService<ILogger<ServiceBusQueuePump>>()));
        return services;
    }

    /// <summary>The client for the options: Entra identity with a namespace, else the connection string.</summary>
    public static ServiceBusClient CreateClient(ServiceBusQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new ServiceBusClientOptions
        {
            // AMQP over TCP 5671; Flex Consumption allows it (WebSockets only matter behind proxies).
            TransportType = ServiceBusTransportType.AmqpTcp,
            Identifier = "serverless-work-queue",
        };
        return options.FullyQualifiedNamespace is { } fullyQualifiedNamespace
            ? new ServiceBusClient(fullyQualifiedNamespace, AzureCredentials.Create(options.ClientId), clientOptions)
            : new ServiceBusClient(options.ConnectionString, clientOptions);
    }
}
