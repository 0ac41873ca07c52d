using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub;
using Serverless.ActivityPub.Documents;

namespace Serverless.Mastodon;

/// <summary>ActivityPub documents, collections and discovery.</summary>
public static partial class ServiceCollectionExtensions
{
    static partial void AddActivityPubServices(IServiceCollection services)
    {
        services.AddSingleton<InstanceActor>();
        services.AddSingleton<StatusObjects>();
    }
}
