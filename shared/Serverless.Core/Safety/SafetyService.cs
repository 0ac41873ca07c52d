using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Federation;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;

namespace Serverless.Core.Safety;

/// <summary>
/// Self-moderation: blocking, muting and blocking whole domains, with what each implies for
/// follows and federation (as Mastodon's BlockService, MuteService and
/// AfterBlockDomainFromAccountService). What a viewer then sees is decided by <see cref="StatusFilter"/>.
/// </summary>
public sealed class SafetyService(
    IDocumentStore store,
    AccountService accounts,
    FollowService follows,
    SnowflakeIds ids,
    TimeProvider time,
    IFederationOutbox outbox,
    Configuration.InstanceOptions instance)
{
    /// <summary>The most follow edges one domain block looks through on each side (followers, following, requests).</summary>
    public const int DomainScanLimit = 5000;

    /// <summary>
    /// Blocks <paramref name="targetId"/>: follows both ways and pending requests end (a remote
    /// follower's server gets <c>Reject</c>, a followed remote account <c>Undo Follow</c>), the block is
    /// recorded in both copies, and a remote target's server gets <c>Block</c>. Blocking oneself does
    /// nothing and blocking again changes nothing, as in Mastodon.
    /// </summary>
    public async Task<AccountRecord> BlockAsync(AccountRecord blocker, string targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        if (target.Id == blocker.Id || await follows.GetBlockAsync(blocker.Id, target.Id, cancellationToken) is not null)
        {
            return target;
        }

        await follows.UnfollowAsync(blocker, target.Id, cancellationToken);
        await follows.RemoveFollowerAsync(blocker, target, cancellationToken);
        if (await follows.GetFollowOrRequestAsync(target.Id, blocker.Id, cancellationToken) is not null)
        {
            try
            {
                await follows.RejectAsync(blocker, target.Id, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // Withdrawn meanwhile.
            }
        }

        var id = ids.NextString();
        var block = new BlockRecord
        {
            Id = id,
            AccountId = blocker.Id,
            TargetAccountId = target.Id,
            CreatedAt = time.GetUtcNow(),
            Uri = blocker.IsLocal && !target.IsLocal ? $"{blocker.Uri}#blocks/{id}" : null,
        };

        // The reverse copy first: a block half-written leaves it unseen by "does A block B" rather than unlisted.
        await store.UpsertAsync(Containers.Follows, BlockRecord.BlockedByPartition(target.Id), blocker.Id, block, StoreJsonContext.Default.BlockRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, BlockRecord.BlocksPartition(blocker.Id), target.Id, block, StoreJsonContext.Default.BlockRecord, ifMatch: null, cancellationToken);
        if (!target.IsLocal)
        {
            await outbox.BlockAsync(blocker, target, block, undo: false, cancellationToken);
        }

        return target;
    }

    /// <summary>Removes a block (follows are not restored); a remote target's server gets <c>Undo Block</c>.</summary>
    public async Task<AccountRecord> UnblockAsync(AccountRecord blocker, string targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        var block = await follows.GetBlockAsync(blocker.Id, target.Id, cancellationToken);
        await store.DeleteAsync(Containers.Follows, BlockRecord.BlocksPartition(blocker.Id), target.Id, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, BlockRecord.BlockedByPartition(target.Id), blocker.Id, ifMatch: null, cancellationToken);
        if (block is not null && !target.IsLocal && blocker.IsLocal)
        {
            await outbox.BlockAsync(blocker, target, block, undo: true, cancellationToken);
        }

        return target;
    }

    /// <summary>
    /// Mutes <paramref name="targetId"/>, with or without its notifications, for <paramref name="duration"/>
    /// (null or zero: until unmuted). Muting again replaces both options. Muting oneself does nothing.
    /// </summary>
    public async Task<AccountRecord> MuteAsync(AccountRecord muter, string targetId, bool notifications, TimeSpan? duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(muter);
        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        if (duration is { } d && d < TimeSpan.Zero)
        {
            throw new ValidationFailedException("Validation failed: Duration must be a positive number of seconds");
        }

        if (target.Id == muter.Id)
        {
            return target;
        }

        var now = time.GetUtcNow();
        var mute = new MuteRecord
        {
            Id = ids.NextString(),
            AccountId = muter.Id,
            TargetAccountId = target.Id,
            CreatedAt = now,
            HideNotifications = notifications,
            ExpiresAt = duration is { } length && length > TimeSpan.Zero ? now + length : null,
        };
        // The reverse copy first (hosted streaming's "who mutes this author"), as for blocks.
        await store.UpsertAsync(Containers.Follows, MuteRecord.MutedByPartition(target.Id), muter.Id, mute, StoreJsonContext.Default.MuteRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, MuteRecord.Partition(muter.Id), target.Id, mute, StoreJsonContext.Default.MuteRecord, ifMatch: null, cancellationToken);
        return target;
    }

    public async Task<AccountRecord> UnmuteAsync(AccountRecord muter, string targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(muter);
        var target = await accounts.GetAsync(targetId, cancellationToken) ?? throw new RecordNotFoundException();
        await store.DeleteAsync(Containers.Follows, MuteRecord.Partition(muter.Id), target.Id, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, MuteRecord.MutedByPartition(target.Id), muter.Id, ifMatch: null, cancellationToken);
        return target;
    }

    /// <summary>The viewer's active mute of <paramref name="targetId"/>, if any: one point read.</summary>
    public async Task<MuteRecord?> GetMuteAsync(string accountId, string targetId, CancellationToken cancellationToken)
    {
        var doc = await store.ReadAsync(Containers.Follows, MuteRecord.Partition(accountId), targetId, StoreJsonContext.Default.MuteRecord, cancellationToken);
        return doc?.Value is { } mute && mute.IsActive(time.GetUtcNow()) ? mute : null;
    }

    /// <summary>
    /// Blocks a domain for <paramref name="account"/>: its accounts' statuses and notifications are hidden
    /// from then on (see <see cref="ViewerSafety"/>), and its followers of the account, the account's
    /// follows of it and its pending requests end, with <c>Reject</c> and <c>Undo Follow</c> sent as Mastodon does.
    /// Returns the normalised domain.
    /// </summary>
    public async Task<string> BlockDomainAsync(AccountRecord account, string? domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var normalized = NormalizeDomain(domain);
        var block = new UserDomainBlockRecord { Id = ids.NextString(), AccountId = account.Id, Domain = normalized, CreatedAt = time.GetUtcNow() };
        // The reverse copy first (hosted streaming's "who blocks this domain"), as for blocks.
        await store.UpsertAsync(Containers.Follows, UserDomainBlockRecord.BlockedByPartition(normalized), account.Id, block, StoreJsonContext.Default.UserDomainBlockRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, UserDomainBlockRecord.Partition(account.Id), normalized, block, StoreJsonContext.Default.UserDomainBlockRecord, ifMatch: null, cancellationToken);

        foreach (var follower in await OnDomainAsync(FollowRecord.FollowersPartition(account.Id), e => e.AccountId, normalized, cancellationToken))
        {
            await follows.RemoveFollowerAsync(account, follower, cancellationToken);
        }

        foreach (var followed in await OnDomainAsync(FollowRecord.FollowingListPartition(account.Id), e => e.TargetAccountId, normalized, cancellationToken))
        {
            await follows.UnfollowAsync(account, followed.Id, cancellationToken);
        }

        foreach (var requester in await OnDomainAsync(FollowRecord.FollowRequestsPartition(account.Id), e => e.AccountId, normalized, cancellationToken))
        {
            try
            {
                await follows.RejectAsync(account, requester.Id, cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                // Withdrawn meanwhile.
            }
        }

        return normalized;
    }

    public async Task UnblockDomainAsync(AccountRecord account, string? domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var normalized = NormalizeDomain(domain);
        await store.DeleteAsync(Containers.Follows, UserDomainBlockRecord.Partition(account.Id), normalized, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, UserDomainBlockRecord.BlockedByPartition(normalized), account.Id, ifMatch: null, cancellationToken);
    }

    /// <summary>Whether <paramref name="accountId"/> blocks <paramref name="domain"/>: one point read (for checks on another's behalf, such as fetches by that domain).</summary>
    public async Task<bool> BlocksDomainAsync(string accountId, string domain, CancellationToken cancellationToken) =>
        await store.ReadAsync(Containers.Follows, UserDomainBlockRecord.Partition(accountId), domain.ToLowerInvariant(), StoreJsonContext.Default.UserDomainBlockRecord, cancellationToken) is not null;

    /// <summary>The viewer's blocks, paged on the blocked account id (<c>Link</c> cursors are account ids).</summary>
    public async Task<IReadOnlyList<BlockRecord>> BlocksAsync(string accountId, PageRequest page, CancellationToken cancellationToken) =>
        await PageAsync(BlockRecord.BlocksPartition(accountId), page, StoreJsonContext.Default.BlockRecord, cancellationToken);

    /// <summary>The viewer's active mutes, paged on the muted account id; expired ones are left out.</summary>
    public async Task<IReadOnlyList<MuteRecord>> MutesAsync(string accountId, PageRequest page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return (await PageAsync(MuteRecord.Partition(accountId), page, StoreJsonContext.Default.MuteRecord, cancellationToken)).Where(m => m.IsActive(now)).ToList();
    }

    /// <summary>The viewer's blocked domains, paged on the domain itself.</summary>
    public async Task<IReadOnlyList<UserDomainBlockRecord>> DomainBlocksAsync(string accountId, PageRequest page, CancellationToken cancellationToken) =>
        await PageAsync(UserDomainBlockRecord.Partition(accountId), page, StoreJsonContext.Default.UserDomainBlockRecord, cancellationToken, numericCursor: false);

    /// <summary>
    /// The domain as accounts carry it (<see cref="Moderation.DomainNames.Normalize"/>, the moderators' rule
    /// too); blank, not a domain, or our own is a 422.
    /// </summary>
    public string NormalizeDomain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            throw new ValidationFailedException("Validation failed: Domain can't be blank");
        }

        var normalized = Moderation.DomainNames.Normalize(domain) ?? throw new ValidationFailedException("Validation failed: Domain is invalid");
        if (string.Equals(normalized, instance.LocalDomain, StringComparison.OrdinalIgnoreCase))
        {
            throw new ValidationFailedException("Validation failed: Domain can't be your own server");
        }

        return normalized;
    }

    private async Task<List<AccountRecord>> OnDomainAsync(string partition, Func<FollowRecord, string> accountOf, string domain, CancellationToken cancellationToken)
    {
        // A write-path scan, bounded: the edges carry no domain, so their accounts are read in batches.
        var found = new List<AccountRecord>();
        var query = new DocumentQuery(partition) { Limit = 500 };
        for (var scanned = 0; scanned < DomainScanLimit; )
        {
            var page = await store.QueryAsync(Containers.Follows, query, StoreJsonContext.Default.FollowRecord, cancellationToken);
            scanned += page.Items.Count;
            var batch = await accounts.GetManyAsync(page.Items.Select(i => accountOf(i.Value)), cancellationToken);
            found.AddRange(batch.Where(a => string.Equals(a.Domain, domain, StringComparison.OrdinalIgnoreCase)));
            if (page.Continuation is null || page.Items.Count == 0)
            {
                break;
            }

            query = query with { Continuation = page.Continuation };
        }

        return found;
    }

    private async Task<List<T>> PageAsync<T>(string partition, PageRequest page, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken, bool numericCursor = true)
    {
        ArgumentNullException.ThrowIfNull(page);
        string? Cursor(string? value) => value is null || (numericCursor && !SnowflakeIds.TryParse(value, out _)) ? null : value;
        var ascending = page.MinId is not null;
        var query = new DocumentQuery(partition)
        {
            IdBefore = Cursor(page.MaxId),
            IdAfter = Cursor(page.MinId ?? page.SinceId),
            Descending = !ascending,
            Limit = page.Limit,
        };
        var items = (await store.QueryAsync(Containers.Follows, query, type, cancellationToken)).Items.Select(i => i.Value).ToList();
        if (ascending)
        {
            items.Reverse();
        }

        return items;
    }
}
