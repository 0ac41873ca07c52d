using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Lists;
using Serverless.Core.Markers;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    static partial void AddFeedServices(IServiceCollection services)
    {
        services.AddSingleton<ListService>();
        services.AddSingleton<MarkerService>();
        services.AddSingleton<Core.Conversations.ConversationService>();
    }
}
