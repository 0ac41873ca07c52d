using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// Where the Cosmos DB account is and how to reach it, read from the identity-based connection
/// settings (<c>Cosmos__accountEndpoint</c>, …) that the Bicep sets on the Function App.
/// </summary>
public sealed record CosmosOptions
{
    /// <summary>The configuration section: <c>Cosmos__accountEndpoint</c> in the environment is <c>Cosmos:accountEndpoint</c>.</summary>
    public const string Section = "Cosmos";

    public const string DefaultDatabase = "serverless";

    /// <summary><c>Cosmos__accountEndpoint</c>: e.g. <c>https://myaccount.documents.azure.com:443/</c>.</summary>
    public required Uri AccountEndpoint { get; init; }

    /// <summary>
    /// <c>Cosmos__key</c>: an account key, for local emulators only. Without it the client signs in
    /// with <c>DefaultAzureCredential</c> (the Function App's managed identity in Azure).
    /// </summary>
    public string? Key { get; init; }

    /// <summary><c>Cosmos__database</c>: the database holding every container.</summary>
    public string Database { get; init; } = DefaultDatabase;

    /// <summary>
    /// <c>Cosmos__clientId</c>, else <c>AZURE_CLIENT_ID</c>: the client id of the user-assigned
    /// managed identity to sign in as.
    /// </summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// <c>Cosmos__createContainers</c>: create the database and the containers
    /// (<see cref="CosmosContainers"/>) on first use. On by default only for a loopback endpoint (a
    /// local server); in Azure the Bicep creates them, and the data-plane role cannot.
    /// </summary>
    public bool CreateContainers { get; init; }

    /// <summary><c>Cosmos__maxRetryAttemptsOnThrottle</c>: how often the SDK retries a 429 itself before the store gives up.</summary>
    public int MaxRetryAttemptsOnThrottle { get; init; } = 9;

    /// <summary><c>Cosmos__maxRetryWaitSeconds</c>: the most time the SDK spends waiting on 429s for one operation.</summary>
    public TimeSpan MaxRetryWaitOnThrottle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Wraps the HTTP handler the client sends through (loopback endpoints and whenever this is set
    /// use Gateway mode over it). A test seam, e.g. to answer 429s; not read from configuration.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHttpHandler { get; init; }

    /// <summary>
    /// A local server (an emulator or the test server): Gateway mode, <c>LimitToEndpoint</c>, and its
    /// self-signed certificate accepted. Never true for an Azure endpoint.
    /// </summary>
    public bool IsLoopback =>
        AccountEndpoint.IsLoopback || (IPAddress.TryParse(AccountEndpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>True when the configuration names a Cosmos DB account.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[$"{Section}:accountEndpoint"]);
    }

    /// <summary>Reads the settings; throws if <c>Cosmos__accountEndpoint</c> is missing or malformed.</summary>
    public static CosmosOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var endpointText = section["accountEndpoint"];
        if (string.IsNullOrWhiteSpace(endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"{Section}__accountEndpoint must be the account's https URL (got '{endpointText}').");
        }

        var options = new CosmosOptions
        {
            AccountEndpoint = endpoint,
            Key = NullIfBlank(section["key"]),
            Database = NullIfBlank(section["database"]) ?? DefaultDatabase,
            ClientId = AzureCredentials.ClientId(section["clientId"], configuration),
        };
        if (!options.IsLoopback && endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{Section}__accountEndpoint must use https unless it is a local server.");
        }

        return options with
        {
            CreateContainers = ReadBool(section["createContainers"], options.IsLoopback),
            MaxRetryAttemptsOnThrottle = ReadInt(section["maxRetryAttemptsOnThrottle"], options.MaxRetryAttemptsOnThrottle),
            MaxRetryWaitOnThrottle = TimeSpan.FromSeconds(ReadInt(section["maxRetryWaitSeconds"], (int)options.MaxRetryWaitOnThrottle.TotalSeconds)),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool ReadBool(string? value, bool fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback
        : bool.TryParse(value, out var parsed) ? parsed
        : value.Trim() is "1" or "yes" or "on" || (value.Trim() is not ("0" or "no" or "off") && fallback);

    private static int ReadInt(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0 ? parsed : fallback;
}
