using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Activity;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Resolver;

/// <summary>
/// The <c>pull</c> queue: fetching that no request waits for. A newly discovered remote account's
/// recent public posts are read from the first page of its outbox (bounded), and single statuses
/// (such as missing thread parents) are resolved. Everything goes through the resolver, so the
/// origin checks and the outbound client's limits apply.
/// </summary>
public sealed partial class PullHandler(
    ActivityPubResolver resolver,
    NoteIngestor notes,
    AccountService accounts,
    IDocumentStore store,
    Core.Moderation.DomainPurge domainPurge,
    ILogger<PullHandler> logger) : IQueueHandler
{
    /// <summary>Posts taken from an outbox at most.</summary>
    public const int BackfillLimit = 20;

    /// <summary>Outbox pages walked at most to find them.</summary>
    public const int MaxPages = 2;

    public string Queue => QueueNames.Pull;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pull = JsonSerializer.Deserialize(message.Body, FederationJsonContext.Default.PullMessage)
            ?? throw new JsonException("Empty pull message.");
        switch (pull.Kind)
        {
            case PullKinds.Outbox:
                await BackfillAsync(pull.Target, cancellationToken);
                break;
            case PullKinds.Status:
                await notes.ResolveAsync(pull.Target, cancellationToken);
                break;
            case Core.Moderation.DomainPurge.Kind:
                await domainPurge.StepAsync(new Core.Moderation.PurgeMessage(pull.Kind, pull.Target, pull.Attempt), cancellationToken);
                break;
            default:
                LogUnknown(logger, pull.Kind);
                break;
        }
    }

    private async Task BackfillAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken);
        if (account is null || account.IsLocal || account.OutboxUrl is not { } outboxUrl)
        {
            return;
        }

        var outbox = await resolver.FetchAsync(outboxUrl, cancellationToken);
        var page = outbox?["first"] switch
        {
            JsonObject embedded => embedded,
            var first when Ld.IdOf(first) is { } url && Ld.SameOrigin(url, outboxUrl) => await resolver.FetchAsync(url, cancellationToken),
            _ => outbox,
        };

        var taken = 0;
        for (var pageNumber = 0; page is not null && pageNumber < MaxPages && taken < BackfillLimit; pageNumber++)
        {
            var items = page["orderedItems"] as JsonArray ?? page["items"] as JsonArray ?? [];
            foreach (var item in items.OfType<JsonObject>())
            {
                // Only the account's own public posts: Announces would pull in other servers' content.
                if (Ld.Type(item) != "Create" || Ld.Id(item, "actor") != account.Uri || item["object"] is not JsonObject note)
                {
                    continue;
                }

                if (NoteIngestor.VisibilityOf(note, account) != Visibility.Public)
                {
                    continue;
                }

                await notes.IngestAsync(note, account, cancellationToken);
                if (++taken >= BackfillLimit)
                {
                    break;
                }
            }

            page = Ld.Id(page, "next") is { } next && Ld.SameOrigin(next, outboxUrl) ? await resolver.FetchAsync(next, cancellationToken) : null;
        }

        // After the posts, whose storing counts them one by one: the remote totals are the truth.
        await CopyCountsAsync(account, outbox, cancellationToken);
        LogBackfilled(logger, taken, account.Uri);
    }

    /// <summary>The profile's counters as its own server counts them: the totals of its outbox and follow collections.</summary>
    private async Task CopyCountsAsync(AccountRecord account, JsonObject? outbox, CancellationToken cancellationToken)
    {
        var operations = new List<PatchOperation>();
        if (Total(outbox) is { } statuses)
        {
            operations.Add(PatchOperation.Set("/statusesCount", JsonValue.Create(statuses)));
        }

        foreach (var (url, path) in new[] { (account.FollowersUrl, "/followersCount"), (account.FollowingUrl, "/followingCount") })
        {
            if (url is not null && Ld.SameOrigin(url, account.Uri) && Total(await resolver.FetchAsync(url, cancellationToken)) is { } total)
            {
                operations.Add(PatchOperation.Set(path, JsonValue.Create(total)));
            }
        }

        if (operations.Count > 0)
        {
            await store.PatchAsync(Containers.Accounts, account.Id, account.Id, operations, ifMatch: null, cancellationToken);
        }
    }

    private static long? Total(JsonObject? collection) =>
        collection?["totalItems"] is JsonValue value && value.TryGetValue<long>(out var total) && total >= 0 ? total : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown pull kind {Kind}; dropped")]
    private static partial void LogUnknown(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfilled {Count} posts of {Actor}")]
    private static partial void LogBackfilled(ILogger logger, int count, string actor);
}
