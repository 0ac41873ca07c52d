using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Interactions;
using Serverless.Core.Polls;
using Serverless.Core.Scheduling;
using Serverless.Core.Statuses;

namespace Serverless.Mastodon;

public static partial class ServiceCollectionExtensions
{
    /// <summary>The statuses area: visibility, interactions, polls, and scheduled work (which the hosts run on a timer).</summary>
    static partial void AddStatusServices(IServiceCollection services)
    {
        services.AddSingleton<StatusAccess>();
        services.AddSingleton<InteractionStore>();
        services.AddSingleton<InteractionService>();
        services.AddSingleton<PollService>();
        services.AddSingleton<VoteService>();
        services.AddSingleton<DueIndex>();
        services.AddSingleton<ScheduledStatusService>();
        services.AddSingleton<ScheduledStatusPublisher>();
    }
}
