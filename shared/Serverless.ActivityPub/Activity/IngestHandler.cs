using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// The <c>ingest</c> queue: loads one stored, verified activity and hands it to the handler of its
/// type. Unknown types are dropped (as Mastodon ignores them); a handler's refusal of bad content is
/// final; anything else throws so that the queue retries. The stored JSON is dropped once done,
/// leaving the small "already received" marker.
/// </summary>
public sealed partial class IngestHandler(
    IDocumentStore store,
    AccountService accounts,
    DomainHealth domains,
    IEnumerable<IActivityHandler> handlers,
    ILogger<IngestHandler> logger) : IQueueHandler
{
    private static readonly Meter Meter = new("Serverless.Ingest");
    private static readonly Counter<long> Ingested = Meter.CreateCounter<long>("activities", description: "Inbound activities by type and outcome.");

    private readonly Dictionary<string, IActivityHandler> _byType = handlers.ToDictionary(h => h.Type, StringComparer.Ordinal);

    public string Queue => QueueNames.Ingest;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var ingest = JsonSerializer.Deserialize(message.Body, FederationJsonContext.Default.IngestMessage)
            ?? throw new JsonException("Empty ingest message.");
        var doc = await store.ReadAsync(Containers.Activities, ingest.Key, ingest.Key, FederationJsonContext.Default.InboundActivityRecord, cancellationToken);
        if (doc?.Value is not { Json: { } json } record)
        {
            return;
        }

        var actor = await accounts.GetAsync(record.ActorAccountId, cancellationToken);

        // A deleted (suspended) actor's key may still be cached: nothing more of it is taken, but the steps of its own Delete.
        if (actor is null || (actor.SuspendedAt is not null && record.Type != "Delete") || JsonNode.Parse(json) is not JsonObject activity)
        {
            await ForgetJsonAsync(record, cancellationToken);
            return;
        }

        // Hearing from a domain means it is up again.
        if (actor.Domain is { } domain)
        {
            await domains.RecordSuccessAsync(domain, cancellationToken);
        }

        if (!_byType.TryGetValue(record.Type, out var handler))
        {
            Count(record.Type, "ignored");
            LogIgnored(logger, record.Type, record.ActivityId);
            await ForgetJsonAsync(record, cancellationToken);
            return;
        }

        try
        {
            await handler.HandleAsync(new InboundActivity(activity, record.Type, actor, record.InboxAccountId), cancellationToken);
            Count(record.Type, "handled");
        }
        catch (DomainException ex)
        {
            // The activity itself is unacceptable (unknown object, not the actor's, invalid): retrying cannot help.
            Count(record.Type, "refused");
            LogRefused(logger, ex, record.Type, record.ActivityId);
        }

        await ForgetJsonAsync(record, cancellationToken);
    }

    private async Task ForgetJsonAsync(InboundActivityRecord record, CancellationToken cancellationToken) =>
        await store.PatchAsync(Containers.Activities, record.Id, record.Id, [PatchOperation.Remove("/json")], ifMatch: null, cancellationToken);

    private static void Count(string type, string outcome) =>
        Ingested.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a {Type} activity ({ActivityId})")]
    private static partial void LogIgnored(ILogger logger, string type, string activityId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Type} activity ({ActivityId})")]
    private static partial void LogRefused(ILogger logger, Exception exception, string type, string activityId);
}
