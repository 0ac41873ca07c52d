using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.OAuth;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    /// <summary>Sign-in on the authorization page: sessions, the brute-force throttle and the form-signing keys.</summary>
    static partial void AddOAuthServices(IServiceCollection services)
    {
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<SigningKeys>();
    }
}
