using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Follows;

/// <summary>Blocks of local accounts by remote ones (<c>Block</c> and <c>Undo Block</c>).</summary>
public sealed partial class FollowService
{
    /// <summary>
    /// A remote account blocked a local one: follows both ways and pending requests end without
    /// anything sent back (the remote server has already dropped them), and the block is recorded.
    /// A repeated Block only updates the remembered activity id.
    /// </summary>
    public async Task ReceiveBlockAsync(AccountRecord blocker, AccountRecord target, string? activityUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        ArgumentNullException.ThrowIfNull(target);
        if (blocker.IsLocal || !target.IsLocal)
        {
            throw new ValidationFailedException("A received Block goes from a remote account to a local one");
        }

        if (await GetBlockAsync(blocker.Id, target.Id, cancellationToken) is { } existing)
        {
            if (activityUri is not null && existing.Uri != activityUri)
            {
                await WriteBlockAsync(existing with { Uri = activityUri }, cancellationToken);
            }

            return;
        }

        await UnfollowAsync(blocker, target.Id, federate: false, cancellationToken);
        await UnfollowAsync(target, blocker.Id, federate: false, cancellationToken);
        await WriteBlockAsync(new BlockRecord { Id = ids.NextString(), AccountId = blocker.Id, TargetAccountId = target.Id, CreatedAt = time.GetUtcNow(), Uri = activityUri }, cancellationToken);
    }

    /// <summary>An <c>Undo Block</c>: the block goes (follows are not restored, as in Mastodon). False when there was none.</summary>
    public async Task<bool> ReceiveUnblockAsync(AccountRecord blocker, AccountRecord target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        ArgumentNullException.ThrowIfNull(target);
        var removed = await store.DeleteAsync(Containers.Follows, BlockRecord.BlocksPartition(blocker.Id), target.Id, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Follows, BlockRecord.BlockedByPartition(target.Id), blocker.Id, ifMatch: null, cancellationToken);
        return removed;
    }

    /// <summary>Whether <paramref name="accountId"/> blocks <paramref name="targetId"/>: one point read.</summary>
    public async Task<BlockRecord?> GetBlockAsync(string accountId, string targetId, CancellationToken cancellationToken) =>
        (await store.ReadAsync(Containers.Follows, BlockRecord.BlocksPartition(accountId), targetId, StoreJsonContext.Default.BlockRecord, cancellationToken))?.Value;

    private async Task WriteBlockAsync(BlockRecord block, CancellationToken cancellationToken)
    {
        await store.UpsertAsync(Containers.Follows, BlockRecord.BlocksPartition(block.AccountId), block.TargetAccountId, block, StoreJsonContext.Default.BlockRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Follows, BlockRecord.BlockedByPartition(block.TargetAccountId), block.AccountId, block, StoreJsonContext.Default.BlockRecord, ifMatch: null, cancellationToken);
    }
}
