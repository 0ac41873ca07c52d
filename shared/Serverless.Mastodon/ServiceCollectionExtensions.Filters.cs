using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Filters;
using Serverless.Core.Ids;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Core.Tags;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    static partial void AddFilterServices(IServiceCollection services)
    {
        // The stream publisher is optional: without one, filter changes are simply not streamed.
        services.AddSingleton(sp => new FilterService(
            sp.GetRequiredService<IDocumentStore>(),
            sp.GetRequiredService<SnowflakeIds>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IStreamPublisher>()));
        services.AddSingleton<TagService>();
    }
}
