using Microsoft.Extensions.Configuration;

namespace Serverless.Azure.ServiceBus;

/// <summary>
/// How the work queue reaches Service Bus, from the same connection settings the Service Bus
/// triggers use: <c>ServiceBusConnection__fullyQualifiedNamespace</c> (+ <c>ServiceBusConnection__clientId</c>
/// or <c>AZURE_CLIENT_ID</c>) with an Entra identity in Azure, or a connection string in
/// <c>ServiceBusConnection</c>.
/// </summary>
public sealed record ServiceBusQueueOptions
{
    /// <summary>The setting (and setting prefix) of the connection, shared with the triggers' <c>Connection</c>.</summary>
    public const string ConnectionSetting = "ServiceBusConnection";

    /// <summary><c>ServiceBusConnection__fullyQualifiedNamespace</c>: <c>{name}.servicebus.windows.net</c>.</summary>
    public string? FullyQualifiedNamespace { get; init; }

    /// <summary><c>ServiceBusConnection</c>: a connection string (emulators, or where keys are allowed).</summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>ServiceBusConnection__clientId</c>, else <c>AZURE_CLIENT_ID</c>: the user-assigned identity to use.</summary>
    public string? ClientId { get; init; }

    /// <summary>Whether a namespace or connection string is set.</summary>
    public bool Configured => FullyQualifiedNamespace is not null || ConnectionString is not null;

    public static ServiceBusQueueOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var fullyQualifiedNamespace = configuration["ServiceBusConnection:fullyQualifiedNamespace"];
        var connectionString = configuration["ServiceBusConnection"];
        return new ServiceBusQueueOptions
        {
            FullyQualifiedNamespace = string.IsNullOrWhiteSpace(fullyQualifiedNamespace) ? null : HostName(fullyQualifiedNamespace.Trim()),
            ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString.Trim(),
            ClientId = AzureCredentials.ClientId(configuration["ServiceBusConnection:clientId"], configuration),
        };
    }

    /// <summary>The namespace as a host name; an <c>sb://</c> or <c>https://</c> URL is accepted and reduced to its host.</summary>
    private static string HostName(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            return uri.Host;
        }

        return Uri.CheckHostName(value) == UriHostNameType.Dns
            ? value
            : throw new FormatException($"ServiceBusConnection__fullyQualifiedNamespace '{value}' is not a host name such as example.servicebus.windows.net.");
    }
}
