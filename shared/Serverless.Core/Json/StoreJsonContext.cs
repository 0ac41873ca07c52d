using System.Text.Json.Serialization;
using Serverless.Core.Accounts;
using Serverless.Core.Fanout;
using Serverless.Core.Follows;
using Serverless.Core.OAuth;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;

namespace Serverless.Core.Json;

/// <summary>Source-generated serialisation of everything stored and queued (camelCase, like Cosmos DB documents usually are).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AccountRecord))]
[JsonSerializable(typeof(UserRecord))]
[JsonSerializable(typeof(LookupRecord))]
[JsonSerializable(typeof(StatusRecord))]
[JsonSerializable(typeof(TimelineEntry))]
[JsonSerializable(typeof(FollowRecord))]
[JsonSerializable(typeof(AccountNoteRecord))]
[JsonSerializable(typeof(BlockRecord))]
[JsonSerializable(typeof(Safety.MuteRecord))]
[JsonSerializable(typeof(Safety.UserDomainBlockRecord))]
[JsonSerializable(typeof(Moderation.ReportRecord))]
[JsonSerializable(typeof(ApplicationRecord))]
[JsonSerializable(typeof(AccessTokenRecord))]
[JsonSerializable(typeof(FanoutMessage))]
[JsonSerializable(typeof(Instance.InstanceStatsRecord))]
[JsonSerializable(typeof(Media.MediaAttachmentRecord))]
[JsonSerializable(typeof(Polls.PollRecord))]
[JsonSerializable(typeof(Interactions.InteractionRecord))]
[JsonSerializable(typeof(Interactions.InteractionListEntry))]
[JsonSerializable(typeof(Notifications.NotificationRecord))]
[JsonSerializable(typeof(ThreadEntry))]
[JsonSerializable(typeof(StatusEditRecord))]
[JsonSerializable(typeof(Scheduling.ScheduledStatusRecord))]
[JsonSerializable(typeof(Scheduling.DueEntry))]
[JsonSerializable(typeof(Lists.ListRecord))]
[JsonSerializable(typeof(Lists.ListMembershipRecord))]
[JsonSerializable(typeof(Markers.MarkerRecord))]
[JsonSerializable(typeof(Conversations.ConversationRecord))]
[JsonSerializable(typeof(Conversations.ConversationIndexRecord))]
public sealed partial class StoreJsonContext : JsonSerializerContext;
