using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Serverless.Core.Lists;
using Serverless.Core.OAuth;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;

namespace Serverless.Azure.WebPubSub;

public static class WebPubSubServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Web PubSub publisher as the <see cref="IStreamPublisher"/> (before the
    /// embedded adapters, whose in-process hub then stays unused) and the event handler behind
    /// <c>/_streaming/{event}</c>. An access key (local fakes) signs REST calls and checks event
    /// signatures; otherwise the Entra identity is used.
    /// </summary>
    public static IServiceCollection AddWebPubSubStreaming(this IServiceCollection services, WebPubSubOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Configured)
        {
            throw new InvalidOperationException("Web PubSub streaming needs WebPubSub__endpoint.");
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton<IWebPubSubClient>(sp => new HttpWebPubSubClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
            options,
            options.AccessKey is null ? AzureCredentials.Create(options.ClientId) : null,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IStreamPublisher>(sp => new WebPubSubStreamPublisher(sp.GetRequiredService<IWebPubSubClient>()));
        // Without an access key, events are authenticated by the Entra token the service sends (none configured: all refused).
        services.TryAddSingleton(sp => new WebPubSubEventAuthenticatorHolder(
            options.AccessKey is null && options.EventAuthConfigured ? new WebPubSubEventAuthenticator(options, sp.GetRequiredService<TimeProvider>()) : null));
        services.TryAddSingleton<IStreamingEventHandler>(sp => new WebPubSubEventHandler(
            sp.GetRequiredService<IWebPubSubClient>(),
            options,
            sp.GetRequiredService<OAuthService>(),
            sp.GetRequiredService<ListService>(),
            sp.GetRequiredService<IDocumentStore>(),
            sp.GetRequiredService<WebPubSubEventAuthenticatorHolder>().Authenticator,
            sp.GetRequiredService<ILogger<WebPubSubEventHandler>>()));
        return services;
    }
}

/// <summary>The event authenticator, or none (access-key mode, or Entra settings missing), as one singleton.</summary>
internal sealed record WebPubSubEventAuthenticatorHolder(WebPubSubEventAuthenticator? Authenticator);
