using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Configuration;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the application: services, queue handlers, the route table and the dispatcher.
    /// Adapters (storage, queues, media, streaming) are registered separately by the host.
    /// </summary>
    public static IServiceCollection AddServerlessApplication(this IServiceCollection services, InstanceOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Dispatcher>();
        return services;
    }
}
