using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.ActivityPub.Activity;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Http;
using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Outbox;
using Serverless.ActivityPub.Resolver;
using Serverless.Core.Federation;
using Serverless.Core.Queues;

namespace Serverless.Mastodon;

/// <summary>Federation: inbox, ingestion (one handler per activity type), delivery, remote lookups.</summary>
public static partial class ServiceCollectionExtensions
{
    static partial void AddFederationServices(IServiceCollection services)
    {
        // Hosts may register their own (from configuration) before this.
        services.TryAddSingleton(new DeliveryOptions());
        services.AddSingleton<FederationHttpClient>();
        services.AddSingleton<ActivityPubResolver>();
        services.AddSingleton<DomainHealth>();
        services.AddSingleton<InboxProcessor>();
        services.AddSingleton<NoteIngestor>();
        services.AddSingleton<IFederationOutbox, FederationOutbox>();

        services.AddSingleton<IActivityHandler, FollowHandler>();
        services.AddSingleton<IActivityHandler, AcceptHandler>();
        services.AddSingleton<IActivityHandler, RejectHandler>();
        services.AddSingleton<IActivityHandler, UndoHandler>();
        services.AddSingleton<IActivityHandler, CreateHandler>();
        services.AddSingleton<IActivityHandler, DeleteHandler>();
        services.AddSingleton<ActivityReferences>();
        services.AddSingleton<ActivityContinuations>();
        services.AddSingleton<PollVoteReceiver>();
        services.AddSingleton<ActorDeletion>();
        services.TryAddSingleton<Serverless.Core.Moderation.ReportService>();
        services.AddSingleton<IActivityHandler, UpdateHandler>();
        services.AddSingleton<IActivityHandler, AnnounceHandler>();
        services.AddSingleton<IActivityHandler, LikeHandler>();
        services.AddSingleton<IActivityHandler, BlockHandler>();
        services.AddSingleton<IActivityHandler, FlagHandler>();
        services.AddSingleton<IActivityHandler, MoveHandler>();

        services.AddSingleton<IQueueHandler, IngestHandler>();
        services.AddSingleton<IQueueHandler, DeliverHandler>();
        services.AddSingleton<IQueueHandler, PullHandler>();
    }
}
