using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Moderation;

/// <summary>
/// Enforces a domain's block on the accounts already cached from it, on the <c>pull</c> queue, one bounded step per
/// message (as Mastodon's BlockDomainService, in pages): a suspended (or, in limited federation mode, no longer allowed)
/// domain's accounts are marked suspended and their statuses (with media), follows both ways and favourites are deleted,
/// one account at a time; a silenced domain's accounts are silenced, and a lifted silence unsilences them, a page at a time.
/// Each step queues the next, so the work survives restarts and never holds a message long.
/// </summary>
public sealed partial class DomainPurge(
    IDocumentStore store,
    DomainBlockService domains,
    AccountModerationService moderation,
    AccountService accounts,
    StatusService statuses,
    FollowService follows,
    InteractionService interactions,
    IWorkQueue queue,
    ILogger<DomainPurge> logger)
{
    /// <summary>The <c>pull</c> message kind.</summary>
    public const string Kind = "domain_purge";

    /// <summary>Statuses deleted per step.</summary>
    public const int StatusesPerStep = 50;

    /// <summary>Accounts marked per step, and follows or favourites removed per step.</summary>
    public const int PageSize = 100;

    /// <summary>Steps spent on one account at most (each deletes what it finds, so this is only a backstop).</summary>
    public const int MaxStepsPerAccount = 500;

    public static string Target(string domain, string? cursor) => cursor is null ? domain : domain + " " + cursor;

    /// <summary>Runs one step for a <see cref="PurgeMessage"/>.</summary>
    public async Task StepAsync(PurgeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parts = message.Target.Split(' ', 2);
        var domain = parts[0];
        var cursor = parts.Length > 1 ? parts[1] : null;
        var policy = await domains.PolicyAsync(domain, cancellationToken);
        if (!policy.Refused)
        {
            await MarkPageAsync(domain, cursor, policy, cancellationToken);
            return;
        }

        var next = await AccountIdsAsync(domain, cursor, 1, cancellationToken);
        if (next.Count == 0)
        {
            LogPurged(logger, domain);
            return;
        }

        var account = await accounts.GetAsync(next[0], cancellationToken);
        if (account is null || account.IsLocal)
        {
            await ContinueAsync(domain, SnowflakeIds.Sortable(next[0]), 0, cancellationToken);
            return;
        }

        account = await moderation.ApplyDomainPolicyAsync(account, policy, cancellationToken);
        var more = await DeleteStatusesAsync(account, cancellationToken) || await RemoveRelationsAsync(account, cancellationToken);
        if (more && message.Attempt < MaxStepsPerAccount)
        {
            // The same account again: each step removed what it found.
            await queue.SendJsonAsync(QueueNames.Pull, message with { Attempt = message.Attempt + 1 }, ModerationJsonContext.Default.PurgeMessage, cancellationToken);
            return;
        }

        await ContinueAsync(domain, SnowflakeIds.Sortable(account.Id), 0, cancellationToken);
    }

    private async Task MarkPageAsync(string domain, string? cursor, DomainPolicy policy, CancellationToken cancellationToken)
    {
        var ids = await AccountIdsAsync(domain, cursor, PageSize, cancellationToken);
        foreach (var account in await accounts.GetManyAsync(ids, cancellationToken))
        {
            if (!account.IsLocal)
            {
                await moderation.ApplyDomainPolicyAsync(account, policy, cancellationToken, lift: true);
            }
        }

        if (ids.Count == PageSize)
        {
            await ContinueAsync(domain, SnowflakeIds.Sortable(ids[^1]), 0, cancellationToken);
        }
    }

    private Task ContinueAsync(string domain, string cursor, int attempt, CancellationToken cancellationToken) =>
        queue.SendJsonAsync(QueueNames.Pull, new PurgeMessage(Kind, Target(domain, cursor), attempt), ModerationJsonContext.Default.PurgeMessage, cancellationToken);

    /// <summary>The domain's accounts after the cursor, oldest first, from the moderators' index.</summary>
    private async Task<IReadOnlyList<string>> AccountIdsAsync(string domain, string? cursor, int limit, CancellationToken cancellationToken) =>
        await AccountIndex.QueryAsync(store, new AccountFilter { Domain = domain }, before: null, after: cursor is null ? null : SnowflakeIds.Unpad(cursor), ascending: true, limit, cancellationToken);

    /// <summary>Deletes a page of the account's statuses through its account timeline; true when there may be more.</summary>
    private async Task<bool> DeleteStatusesAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(
            Containers.Timelines,
            new DocumentQuery(TimelineKeys.Account(account.Id)) { Limit = StatusesPerStep },
            StoreJsonContext.Default.TimelineEntry,
            cancellationToken);
        foreach (var entry in page.Items)
        {
            try
            {
                await statuses.DeleteAsync(account, entry.Value.StatusId, deleteMedia: true, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // Gone already; its entry may linger until its own delete fan-out runs.
                await store.DeleteAsync(Containers.Timelines, TimelineKeys.Account(account.Id), entry.Id, ifMatch: null, cancellationToken);
            }
            catch (ForbiddenException)
            {
                await store.DeleteAsync(Containers.Timelines, TimelineKeys.Account(account.Id), entry.Id, ifMatch: null, cancellationToken);
            }
        }

        return page.Items.Count == StatusesPerStep;
    }

    /// <summary>Removes a page of follows each way (and requests) and favourites; true when there may be more.</summary>
    private async Task<bool> RemoveRelationsAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        var followers = await EdgesAsync(FollowRecord.FollowersPartition(account.Id), cancellationToken);
        var requesters = await EdgesAsync(FollowRecord.FollowRequestsPartition(account.Id), cancellationToken);
        foreach (var follower in await accounts.GetManyAsync(followers.Concat(requesters).Select(e => e.AccountId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken))
        {
            await follows.ReceiveFollowEndedAsync(follower, account, cancellationToken);
        }

        var followed = await EdgesAsync(FollowRecord.FollowingListPartition(account.Id), cancellationToken);
        var requested = await EdgesAsync(FollowRecord.RequestedPartition(account.Id), cancellationToken);
        foreach (var target in await accounts.GetManyAsync(followed.Concat(requested).Select(e => e.TargetAccountId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken))
        {
            await follows.ReceiveFollowEndedAsync(account, target, cancellationToken);
        }

        var favourites = await store.QueryAsync(
            Containers.Interactions,
            new DocumentQuery(account.Id) { Limit = PageSize, Filters = [new FieldFilter("kind", JsonValue.Create(InteractionKeys.Favourite))] },
            StoreJsonContext.Default.InteractionRecord,
            cancellationToken);
        foreach (var favourite in favourites.Items)
        {
            var status = await statuses.GetAsync(favourite.Value.TargetId, cancellationToken);
            if (status is null || !await interactions.ReceiveUnfavouriteAsync(account, status, cancellationToken))
            {
                await store.DeleteAsync(Containers.Interactions, account.Id, favourite.Id, ifMatch: null, cancellationToken);
            }
        }

        return followers.Count == PageSize || requesters.Count == PageSize || followed.Count == PageSize || requested.Count == PageSize || favourites.Items.Count == PageSize;
    }

    private async Task<IReadOnlyList<FollowRecord>> EdgesAsync(string partition, CancellationToken cancellationToken) =>
        (await store.QueryAsync(Containers.Follows, new DocumentQuery(partition) { Limit = PageSize, Descending = false }, StoreJsonContext.Default.FollowRecord, cancellationToken))
            .Items.Select(i => i.Value).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Enforced the suspension of {Domain} on its cached accounts")]
    private static partial void LogPurged(ILogger logger, string domain);
}
