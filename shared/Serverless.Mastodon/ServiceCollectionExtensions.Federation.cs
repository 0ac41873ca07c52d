using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Federation;

namespace Serverless.Mastodon;

/// <summary>Federation: inbox, ingestion, delivery, remote lookups.</summary>
public static partial class ServiceCollectionExtensions
{
    static partial void AddFederationServices(IServiceCollection services)
    {
        services.TryAddSingleton<IFederationOutbox, NullFederationOutbox>();
    }
}
