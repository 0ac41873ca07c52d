using Serverless.Core.Accounts;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Rendering;

/// <summary>
/// Mastodon's <c>moved</c> on an Account: the target of a handled <c>Move</c>, rendered one level deep.
/// The targets are read in one batch per response, and only when an account on it has moved.
/// </summary>
public static class MovedAccounts
{
    private static readonly IReadOnlyDictionary<string, AccountRecord> Empty = new Dictionary<string, AccountRecord>(StringComparer.Ordinal);

    /// <summary>The accounts that <paramref name="accounts"/> moved to, by id (empty, without a read, when none moved).</summary>
    public static async Task<IReadOnlyDictionary<string, AccountRecord>> TargetsAsync(AccountService service, IEnumerable<AccountRecord> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(accounts);
        var ids = accounts.Select(a => a.MovedToAccountId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return Empty;
        }

        return (await service.GetManyAsync(ids, cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
    }

    /// <summary>The target of one account, with a point read only when it has moved.</summary>
    public static async Task<AccountRecord?> TargetAsync(AccountService service, AccountRecord account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(account);
        return account.MovedToAccountId is { } id ? await service.GetAsync(id, cancellationToken) : null;
    }

    /// <summary>The account with <c>moved</c> set when its target is among <paramref name="targets"/>.</summary>
    public static Account ToAccount(this EntityMapper mapper, AccountRecord account, IReadOnlyDictionary<string, AccountRecord> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return mapper.ToAccount(account, account.MovedToAccountId is { } id ? targets.GetValueOrDefault(id) : null);
    }

    /// <summary>The account with <c>moved</c> set to <paramref name="target"/> (the entity cached per record is not changed).</summary>
    public static Account ToAccount(this EntityMapper mapper, AccountRecord account, AccountRecord? target)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        var entity = mapper.ToAccount(account);
        return target is null || target.Id != account.MovedToAccountId || target.Id == account.Id ? entity : entity with { Moved = mapper.ToAccount(target) };
    }
}
