using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>Mastodon's admin account actions: <c>none</c>, <c>sensitive</c>, <c>disable</c>, <c>silence</c>, <c>suspend</c>.</summary>
public static class AccountActions
{
    public const string None = "none";
    public const string Sensitive = "sensitive";
    public const string Disable = "disable";
    public const string Silence = "silence";
    public const string Suspend = "suspend";

    public static bool IsKnown(string? value) => value is None or Sensitive or Disable or Silence or Suspend;
}

/// <summary>
/// What moderators do to accounts. The state lives on the records (<see cref="AccountRecord.SuspendedAt"/>,
/// <see cref="AccountRecord.SilencedAt"/>, <see cref="AccountRecord.SensitizedAt"/>, <see cref="UserRecord.Disabled"/>,
/// <see cref="UserRecord.Approved"/>) and in the moderators' index; the safety filter hides suspended accounts everywhere
/// and silenced ones from public feeds, and the API refuses a suspended or disabled user's tokens. A suspension here is
/// reversible, as Mastodon's: content stays stored but unseen (a domain suspension, by contrast, purges).
/// </summary>
public sealed class AccountModerationService(IDocumentStore store, AccountService accounts, TimeProvider time)
{
    /// <summary>Applies an action to an account, checking that the moderator may act on it.</summary>
    public async Task<AccountRecord> ActAsync(UserRecord moderator, string accountId, string? type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moderator);
        if (!AccountActions.IsKnown(type))
        {
            throw ValidationFailedException.ForField("type", "ERR_INCLUSION", "is not included in the list");
        }

        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        if (type == AccountActions.Disable && user is null)
        {
            // Only local logins can be frozen.
            throw new ForbiddenException("This action is not allowed");
        }

        var now = time.GetUtcNow();
        return type switch
        {
            AccountActions.Sensitive => await SetAsync(account, user, "/sensitizedAt", now, a => a with { SensitizedAt = now }, cancellationToken),
            AccountActions.Silence => await SetAsync(account, user, "/silencedAt", now, a => a with { SilencedAt = now }, cancellationToken),
            AccountActions.Suspend => await SetAsync(account, user, "/suspendedAt", now, a => a with { SuspendedAt = now }, cancellationToken),
            AccountActions.Disable => await SetDisabledAsync(account, user!, true, cancellationToken),
            _ => account,
        };
    }

    public async Task<AccountRecord> UnsuspendAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        return await SetAsync(account, user, "/suspendedAt", null, a => a with { SuspendedAt = null }, cancellationToken);
    }

    public async Task<AccountRecord> UnsilenceAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        return await SetAsync(account, user, "/silencedAt", null, a => a with { SilencedAt = null }, cancellationToken);
    }

    public async Task<AccountRecord> UnsensitiveAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        return await SetAsync(account, user, "/sensitizedAt", null, a => a with { SensitizedAt = null }, cancellationToken);
    }

    /// <summary>Re-enables a disabled login (<c>POST /api/v1/admin/accounts/:id/enable</c>).</summary>
    public async Task<AccountRecord> EnableAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        return user is null ? account : await SetDisabledAsync(account, user, false, cancellationToken);
    }

    /// <summary>Approves a pending sign-up; an account that is not pending is a 403, as Mastodon's policy.</summary>
    public async Task<AccountRecord> ApproveAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        if (user is not { Approved: false })
        {
            throw new ForbiddenException("This action is not allowed");
        }

        var approved = user with { Approved = true };
        await store.PatchAsync(Containers.Users, account.Id, account.Id, [PatchOperation.Set("/approved", JsonValue.Create(true))], ifMatch: null, cancellationToken);
        await AccountIndex.WriteAsync(store, account, approved, cancellationToken);
        return account;
    }

    /// <summary>Rejects a pending sign-up: the account, its login and its username and email are removed.</summary>
    public async Task<(AccountRecord Account, UserRecord User)> RejectAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        var (account, user) = await TargetAsync(moderator, accountId, cancellationToken);
        if (user is not { Approved: false })
        {
            throw new ForbiddenException("This action is not allowed");
        }

        await store.DeleteAsync(Containers.Reports, AccountIndexEntry.Partition, Ids.SnowflakeIds.Sortable(account.Id), ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Accounts, account.Id, account.Id, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Users, account.Id, account.Id, ifMatch: null, cancellationToken);
        var usernameKey = AccountService.UsernameKey(account.Username);
        var emailKey = AccountService.EmailKey(user.Email);
        await store.DeleteAsync(Containers.Lookups, usernameKey, usernameKey, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Lookups, emailKey, emailKey, ifMatch: null, cancellationToken);
        return (account, user);
    }

    /// <summary>
    /// The account and (local) login a moderator acts on. Nobody acts on themselves, and only an owner acts on staff of
    /// the same or a higher role, as Mastodon's role hierarchy.
    /// </summary>
    private async Task<(AccountRecord Account, UserRecord? User)> TargetAsync(UserRecord moderator, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moderator);
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw new RecordNotFoundException();
        var user = account.IsLocal ? await accounts.GetUserAsync(account.Id, cancellationToken) : null;
        if (account.Id == moderator.AccountId || (user is not null && user.Role != UserRole.User && user.Role >= moderator.Role && moderator.Role != UserRole.Owner))
        {
            throw new ForbiddenException("This action is not allowed");
        }

        return (account, user);
    }

    private async Task<AccountRecord> SetAsync(AccountRecord account, UserRecord? user, string path, DateTimeOffset? value, Func<AccountRecord, AccountRecord> change, CancellationToken cancellationToken)
    {
        var operation = value is { } when ? PatchOperation.Set(path, JsonValue.Create(when)) : PatchOperation.Set(path, null);
        await store.PatchAsync(Containers.Accounts, account.Id, account.Id, [operation], ifMatch: null, cancellationToken);
        var updated = change(account);
        await AccountIndex.WriteAsync(store, updated, user, cancellationToken);
        return updated;
    }

    private async Task<AccountRecord> SetDisabledAsync(AccountRecord account, UserRecord user, bool disabled, CancellationToken cancellationToken)
    {
        await store.PatchAsync(Containers.Users, account.Id, account.Id, [PatchOperation.Set("/disabled", JsonValue.Create(disabled))], ifMatch: null, cancellationToken);
        await AccountIndex.WriteAsync(store, account, user with { Disabled = disabled }, cancellationToken);
        return account;
    }

    /// <summary>
    /// Marks a remote account as its domain's block requires (used by the purge and when such an account is seen);
    /// with <paramref name="lift"/> (a lifted domain silence), a silence is removed where the domain no longer has one.
    /// </summary>
    public async Task<AccountRecord> ApplyDomainPolicyAsync(AccountRecord account, DomainPolicy policy, CancellationToken cancellationToken, bool lift = false)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        var updated = account;
        var operations = new List<PatchOperation>();
        if (policy.Refused && account.SuspendedAt is null)
        {
            operations.Add(PatchOperation.Set("/suspendedAt", JsonValue.Create(now)));
            updated = updated with { SuspendedAt = now };
        }

        if (policy.Silenced && account.SilencedAt is null)
        {
            operations.Add(PatchOperation.Set("/silencedAt", JsonValue.Create(now)));
            updated = updated with { SilencedAt = now };
        }

        if (lift && !policy.Silenced && !policy.Refused && account.SilencedAt is not null)
        {
            operations.Add(PatchOperation.Set("/silencedAt", null));
            updated = updated with { SilencedAt = null };
        }

        if (operations.Count > 0)
        {
            await store.PatchAsync(Containers.Accounts, account.Id, account.Id, operations, ifMatch: null, cancellationToken);
        }

        await AccountIndex.WriteAsync(store, updated, null, cancellationToken);
        return updated;
    }

    /// <summary>A remote account saved from its actor document: indexed for moderators, and limited or suspended as its domain's block says (never lifted here).</summary>
    public async Task<AccountRecord> RemoteAccountSeenAsync(AccountRecord account, DomainPolicy policy, CancellationToken cancellationToken) =>
        await ApplyDomainPolicyAsync(account, policy, cancellationToken);
}
