using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Safety;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    static partial void AddSafetyServices(IServiceCollection services)
    {
        services.AddSingleton<StatusFilter>();
        services.AddSingleton<SafetyService>();
    }
}
