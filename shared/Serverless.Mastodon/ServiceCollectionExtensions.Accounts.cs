using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    static partial void AddAccountServices(IServiceCollection services)
    {
        services.AddSingleton<FollowService>();
        services.AddSingleton<StatusVisibility>();
        services.AddSingleton<ProfileService>();
    }
}
