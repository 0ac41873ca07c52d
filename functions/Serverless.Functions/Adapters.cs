using Microsoft.Extensions.Configuration;
using Serverless.Azure;

namespace Serverless.Functions;

/// <summary>Which adapters the Functions app runs with, decided from its settings.</summary>
public static class Adapters
{
    /// <summary>
    /// Whether a Service Bus connection is configured: either a connection string in
    /// <c>ServiceBusConnection</c> or an identity-based <c>ServiceBusConnection__fullyQualifiedNamespace</c>.
    /// Then the Service Bus triggers deliver the queues' messages; otherwise (a local run with
    /// embedded storage) the embedded queue pump runs inside the worker.
    /// </summary>
    public static bool ServiceBusConfigured(IConfiguration configuration) => AzureAdapters.ServiceBusConfigured(configuration);

    /// <summary><c>STORAGE_ADAPTERS</c>: embedded (the default) or azure (Cosmos DB and Blob Storage).</summary>
    public static StorageAdapters Storage(IConfiguration configuration) => AzureAdapters.Read(configuration);
}
