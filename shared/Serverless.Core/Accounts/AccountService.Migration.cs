using System.Text.Json.Nodes;
using Serverless.Core.Storage;

namespace Serverless.Core.Accounts;

/// <summary>Marks that remote servers set on their accounts: a move to another account, and the account's deletion.</summary>
public sealed partial class AccountService
{
    /// <summary>Records that <paramref name="accountId"/> moved to <paramref name="targetId"/> (a received <c>Move</c>).</summary>
    public Task MarkMovedAsync(string accountId, string targetId, CancellationToken cancellationToken) =>
        store.PatchAsync(Containers.Accounts, accountId, accountId, [PatchOperation.Set("/movedToAccountId", JsonValue.Create(targetId))], ifMatch: null, cancellationToken);

    /// <summary>Marks an account suspended (a remote actor's <c>Delete</c> of itself); the first mark's time is kept.</summary>
    public async Task<AccountRecord?> MarkSuspendedAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await GetAsync(accountId, cancellationToken);
        if (account is null || account.SuspendedAt is not null)
        {
            return account;
        }

        var now = time.GetUtcNow();
        await store.PatchAsync(Containers.Accounts, accountId, accountId, [PatchOperation.Set("/suspendedAt", JsonValue.Create(now))], ifMatch: null, cancellationToken);
        return account with { SuspendedAt = now };
    }
}
