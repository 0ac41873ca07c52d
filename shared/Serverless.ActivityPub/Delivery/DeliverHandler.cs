using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Http;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Delivery;

/// <summary>
/// The <c>deliver</c> queue: signs and POSTs one stored activity to one inbox. A failure is retried
/// by re-enqueuing a copy with <c>attempt + 1</c> and a back-off delay (the original completes);
/// a 4xx other than 408/429 is final; a delivery that exhausts its retries marks the domain
/// unavailable, and deliveries to an unavailable domain are skipped until it is heard from again.
/// </summary>
public sealed partial class DeliverHandler(
    IDocumentStore store,
    IWorkQueue queue,
    FederationHttpClient http,
    InstanceActor instanceActor,
    LocalUrls urls,
    DeliveryOptions options,
    DomainHealth domains,
    Core.Moderation.DomainBlockService domainBlocks,
    ILogger<DeliverHandler> logger) : IQueueHandler
{
    private static readonly Meter Meter = new("Serverless.Deliver");
    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>("deliveries", description: "Deliveries by outcome: delivered, retried, failed, skipped.");

    public string Queue => QueueNames.Deliver;

    public async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var delivery = JsonSerializer.Deserialize(message.Body, FederationJsonContext.Default.DeliverMessage)
            ?? throw new JsonException("Empty deliver message.");
        var domain = Ld.Authority(delivery.Inbox);
        if (domain is null)
        {
            return;
        }

        if (await domainBlocks.IsSuspendedAsync(domain, cancellationToken))
        {
            // Defederated by the moderators: nothing goes there.
            Count("skipped");
            return;
        }

        if (await domains.IsUnavailableAsync(domain, cancellationToken))
        {
            Count("skipped");
            LogSkipped(logger, delivery.Inbox);
            return;
        }

        var activity = await store.ReadAsync(Containers.Activities, delivery.ActivityKey, delivery.ActivityKey, FederationJsonContext.Default.OutboundActivityRecord, cancellationToken);
        if (activity is null)
        {
            LogMissing(logger, delivery.ActivityKey);
            return;
        }

        var (keyId, privateKey) = await SignerAsync(activity.Value.SignerAccountId, cancellationToken);
        if (privateKey is null)
        {
            // The account is gone: nothing can sign for it any more.
            LogMissing(logger, delivery.ActivityKey);
            return;
        }

        int status;
        try
        {
            status = (int)await http.PostActivityAsync(delivery.Inbox, Encoding.UTF8.GetBytes(activity.Value.Json), keyId, privateKey, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogNetworkFailure(logger, ex, delivery.Inbox);
            status = 0;
        }

        if (status is >= 200 and < 300)
        {
            Count("delivered");
            await domains.RecordSuccessAsync(domain, cancellationToken);
            return;
        }

        if (DeliveryOptions.IsFinal(status))
        {
            // The inbox heard us and said no (gone, forbidden, malformed): a retry would say the same.
            Count("failed");
            LogRefused(logger, delivery.Inbox, status);
            return;
        }

        var next = delivery.Attempt + 1;
        if (next >= options.MaxAttempts)
        {
            Count("failed");
            LogGaveUp(logger, delivery.Inbox, next);
            await domains.RecordGaveUpAsync(domain, cancellationToken);
            return;
        }

        Count("retried");
        await domains.RecordFailureAsync(domain, cancellationToken);
        var delay = options.RetryDelay(next, Random.Shared.NextDouble());
        LogRetry(logger, delivery.Inbox, status, next, delay);
        await queue.SendJsonAsync(QueueNames.Deliver, delivery with { Attempt = next }, FederationJsonContext.Default.DeliverMessage, delay, cancellationToken);
    }

    private async Task<(string KeyId, string? PrivateKey)> SignerAsync(string? accountId, CancellationToken cancellationToken)
    {
        if (accountId is null)
        {
            var actor = await instanceActor.GetAsync(cancellationToken);
            return (instanceActor.KeyId, actor.PrivateKeyPem);
        }

        var account = await store.ReadAsync(Containers.Accounts, accountId, accountId, StoreJsonContext.Default.AccountRecord, cancellationToken);
        var user = await store.ReadAsync(Containers.Users, accountId, accountId, StoreJsonContext.Default.UserRecord, cancellationToken);
        return account is null || user is null ? ("", null) : (urls.MainKey(account.Value.Username), user.Value.PrivateKeyPem);
    }

    private static void Count(string outcome) => Delivered.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped a delivery to {Inbox}: the domain is unavailable")]
    private static partial void LogSkipped(ILogger logger, string inbox);

    [LoggerMessage(Level = LogLevel.Information, Message = "Activity {Key} to deliver is gone")]
    private static partial void LogMissing(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery to {Inbox} failed")]
    private static partial void LogNetworkFailure(ILogger logger, Exception exception, string inbox);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Inbox} refused a delivery with {Status}; not retried")]
    private static partial void LogRefused(ILogger logger, string inbox, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering to {Inbox} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string inbox, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery to {Inbox} answered {Status}; retry {Attempt} in {Delay}")]
    private static partial void LogRetry(ILogger logger, string inbox, int status, int attempt, TimeSpan delay);
}
