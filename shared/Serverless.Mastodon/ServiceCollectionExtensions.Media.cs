using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Media;
using Serverless.Core.Queues;
using Serverless.Media;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    /// <summary>Image processing (SkiaSharp) and the <c>media</c> queue's handler; <see cref="MediaService"/> itself is registered with the core services.</summary>
    static partial void AddMediaServices(IServiceCollection services)
    {
        services.TryAddSingleton(new MediaOptions());
        services.TryAddSingleton<IImageProcessor, SkiaImageProcessor>();
        services.AddSingleton<IQueueHandler, MediaProcessingHandler>();
    }
}
