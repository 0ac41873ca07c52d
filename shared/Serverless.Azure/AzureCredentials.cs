using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Serverless.Azure;

/// <summary>
/// The Entra credential every identity-based Azure connection uses: a user-assigned managed
/// identity in Azure (its client id from <c>{connection}__clientId</c> or <c>AZURE_CLIENT_ID</c>),
/// the developer's own sign-in (Azure CLI, Visual Studio…) elsewhere.
/// </summary>
public static class AzureCredentials
{
    /// <summary>
    /// The client id of the user-assigned identity for a connection: the connection's own
    /// <paramref name="connectionClientId"/> (read by the caller from <c>{connection}:clientId</c>,
    /// the environment variable <c>{connection}__clientId</c> as the Functions host names it), else
    /// <c>AZURE_CLIENT_ID</c>; null for a system-assigned identity or a developer's sign-in.
    /// </summary>
    public static string? ClientId(string? connectionClientId, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(connectionClientId))
        {
            return connectionClientId.Trim();
        }

        var shared = configuration["AZURE_CLIENT_ID"];
        return string.IsNullOrWhiteSpace(shared) ? null : shared.Trim();
    }

    /// <summary>A credential for the identity with <paramref name="clientId"/> (null: the default one).</summary>
    public static TokenCredential Create(string? clientId)
    {
        var options = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrEmpty(clientId))
        {
            // With a user-assigned identity both managed and workload identity must pick it, not
            // whichever the platform hands out first.
            options.ManagedIdentityClientId = clientId;
            options.WorkloadIdentityClientId = clientId;
        }

        return new DefaultAzureCredential(options);
    }
}
