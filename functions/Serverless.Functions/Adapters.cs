using Microsoft.Extensions.Configuration;
using Serverless.Functions.Queues;

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
    public static bool ServiceBusConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(QueueFunctions.ConnectionSetting);
        return !string.IsNullOrWhiteSpace(section.Value)
            || !string.IsNullOrWhiteSpace(section["fullyQualifiedNamespace"]);
    }
}
