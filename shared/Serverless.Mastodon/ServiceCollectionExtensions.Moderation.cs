using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Core.Moderation;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    static partial void AddModerationServices(IServiceCollection services)
    {
        services.TryAddSingleton<ReportService>();
        services.TryAddSingleton<DomainBlockService>();
        services.TryAddSingleton<RuleService>();
        services.TryAddSingleton<AccountModerationService>();
        services.TryAddSingleton<DomainPurge>();
    }
}
