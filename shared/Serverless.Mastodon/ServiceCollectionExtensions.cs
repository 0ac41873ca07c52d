using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Instance;
using Serverless.Core.Notifications;
using Serverless.Core.OAuth;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the application: services, queue handlers, the route table and the dispatcher.
    /// Adapters (storage, queues, media, streaming) are registered separately by the host.
    /// </summary>
    public static IServiceCollection AddServerlessApplication(this IServiceCollection services, InstanceOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SnowflakeIds>();
        services.AddSingleton<LocalUrls>();
        services.AddSingleton<InstanceStats>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<OAuthService>();
        services.AddSingleton<StatusService>();
        services.AddSingleton<TimelineService>();
        services.AddSingleton<EntityMapper>();

        // One handler per queue.
        services.AddSingleton<IQueueHandler, FanoutHandler>();
        foreach (var queue in new[] { QueueNames.Deliver, QueueNames.Ingest, QueueNames.Media, QueueNames.Pull })
        {
            services.AddSingleton<IQueueHandler>(sp => new PendingQueueHandler(queue, sp.GetRequiredService<ILogger<PendingQueueHandler>>()));
        }

        services.AddSingleton<NotificationService>();
        services.AddSingleton<Core.Media.MediaService>();
        services.AddSingleton<QueueHandlers>();

        // Areas register their own services in ServiceCollectionExtensions.{Area}.cs.
        AddOAuthServices(services);
        AddAccountServices(services);
        AddStatusServices(services);
        AddMediaServices(services);
        AddFeedServices(services);
        AddActivityPubServices(services);
        AddFederationServices(services);
        AddSafetyServices(services);
        AddModerationServices(services);
        AddFilterServices(services);
        AddStreamingServices(services);

        services.AddSingleton(_ => Routes.Build());
        services.AddSingleton(new RateLimitOptions { Requests = options.RateLimitRequests });
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<Dispatcher>();
        return services;
    }

    static partial void AddOAuthServices(IServiceCollection services);

    static partial void AddAccountServices(IServiceCollection services);

    static partial void AddStatusServices(IServiceCollection services);

    static partial void AddMediaServices(IServiceCollection services);

    static partial void AddFeedServices(IServiceCollection services);

    static partial void AddActivityPubServices(IServiceCollection services);

    static partial void AddFederationServices(IServiceCollection services);

    static partial void AddSafetyServices(IServiceCollection services);

    static partial void AddModerationServices(IServiceCollection services);

    static partial void AddFilterServices(IServiceCollection services);

    /// <summary>Streaming events and the in-process WebSocket endpoint (ServiceCollectionExtensions.Streaming.cs).</summary>
    static partial void AddStreamingServices(IServiceCollection services);
}
