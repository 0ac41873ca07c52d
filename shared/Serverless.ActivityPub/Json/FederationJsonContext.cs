using System.Text.Json.Serialization;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Outbox;

namespace Serverless.ActivityPub.Json;

/// <summary>Source-generated JSON for the federation adapter's stored records and queue messages (camelCase, as the store's).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InstanceActorRecord))]
[JsonSerializable(typeof(InboundActivityRecord))]
[JsonSerializable(typeof(IngestMessage))]
[JsonSerializable(typeof(OutboundActivityRecord))]
[JsonSerializable(typeof(DeliverMessage))]
[JsonSerializable(typeof(DeliveryMarker))]
[JsonSerializable(typeof(DomainRecord))]
[JsonSerializable(typeof(Resolver.PullMessage))]
public sealed partial class FederationJsonContext : JsonSerializerContext;
