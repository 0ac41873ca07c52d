using Microsoft.Azure.Cosmos;

namespace Serverless.Azure.Cosmos;

/// <summary>The one place where the Cosmos client's settings live (research/cosmos.md rule 9).</summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "serverless-mastodon",
            Serializer = new CosmosValueSerializer(),
            // 429s: the SDK waits as the service says and retries, up to these bounds; what is
            // still throttled then surfaces as DocumentStoreThrottledException (back-pressure).
            MaxRetryAttemptsOnRateLimitedRequests = options.MaxRetryAttemptsOnThrottle,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxRetryWaitOnThrottle,
            // Writes answer with headers only (ETag, charge): we never read the echoed body.
            EnableContentResponseOnWrite = false,
        };

        if (options.IsLoopback)
        {
            // A local server: only the gateway protocol, only the address given (the account
            // metadata names other hosts), and its self-signed certificate accepted. Never in Azure.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
#pragma warning disable CA5359 // Loopback only: local emulators serve a self-signed (and, for the test server, expired) certificate.
            clientOptions.HttpClientFactory = () => new HttpClient(Wrap(options, new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            }));
#pragma warning restore CA5359
        }
        else if (options.WrapHttpHandler is not null)
        {
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.HttpClientFactory = () => new HttpClient(Wrap(options, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }));
        }

        if (options.Key is not null)
        {
            return new CosmosClient(options.AccountEndpoint.AbsoluteUri, options.Key, clientOptions);
        }

        // Entra ID: the user-assigned managed identity in Azure, a developer's sign-in elsewhere.
        return new CosmosClient(options.AccountEndpoint.AbsoluteUri, AzureCredentials.Create(options.ClientId), clientOptions);
    }

    private static HttpMessageHandler Wrap(CosmosOptions options, HttpMessageHandler handler) =>
        options.WrapHttpHandler?.Invoke(handler) ?? handler;
}
