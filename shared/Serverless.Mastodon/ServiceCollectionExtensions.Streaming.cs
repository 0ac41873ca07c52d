using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Streaming;
using Serverless.Mastodon.Streaming;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    /// <summary>Streaming: fan-out and notifications publish rendered events through the host's <see cref="IStreamPublisher"/>.</summary>
    static partial void AddStreamingServices(IServiceCollection services)
    {
        services.TryAddSingleton<IStreamingEvents, StreamingEventPublisher>();
        services.TryAddSingleton<StreamingViewers>();
    }
}
