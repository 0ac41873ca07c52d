using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Accounts;

/// <summary>Remote accounts: found by ActivityPub id or handle, and saved as their servers describe them.</summary>
public sealed partial class AccountService
{
    /// <summary>An account (local or remote) by its ActivityPub id.</summary>
    public async Task<AccountRecord?> FindByUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var key = LookupKeys.Uri(uri);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        if (lookup is not null)
        {
            return await GetAsync(lookup.Value.TargetId, cancellationToken);
        }

        // Local actors are not indexed by URI: their ids are /users/{username}.
        var prefix = options.BaseUrl + "/users/";
        return uri.StartsWith(prefix, StringComparison.Ordinal) && uri.IndexOf('/', prefix.Length) < 0
            ? await FindLocalAsync(uri[prefix.Length..], cancellationToken)
            : null;
    }

    /// <summary>A known remote account by handle.</summary>
    public async Task<AccountRecord?> FindRemoteAsync(string username, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(domain);
        if ((username + domain).IndexOfAny(['/', '\\', '?', '#', ' ']) >= 0)
        {
            // Not a handle: such a key cannot exist (document ids exclude these characters).
            return null;
        }

        var key = LookupKeys.RemoteAcct(username, domain);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup is null ? null : await GetAsync(lookup.Value.TargetId, cancellationToken);
    }

    /// <summary>
    /// Saves a remote account as fetched: a new one gets an id and its lookups (ActivityPub id,
    /// handle, search terms); a known one keeps its id and counters and takes the new profile.
    /// Returns the account as stored.
    /// </summary>
    public async Task<AccountRecord> SaveRemoteAsync(AccountRecord fetched, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        if (fetched.IsLocal)
        {
            throw new ArgumentException("Only remote accounts are saved from fetched documents.", nameof(fetched));
        }

        var uriKey = LookupKeys.Uri(fetched.Uri);
        var existing = await FindByUriAsync(fetched.Uri, cancellationToken);
        if (existing is null)
        {
            var account = fetched with { Id = ids.NextString() };
            try
            {
                await store.CreateAsync(Containers.Lookups, uriKey, uriKey, new LookupRecord(uriKey, account.Id), StoreJsonContext.Default.LookupRecord, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                // Saved concurrently by another message: update that one instead.
                return await SaveRemoteAsync(fetched, cancellationToken);
            }

            await store.CreateAsync(Containers.Accounts, account.Id, account.Id, account, StoreJsonContext.Default.AccountRecord, cancellationToken);
            var acctKey = LookupKeys.RemoteAcct(account.Username, account.Domain!);
            await store.UpsertAsync(Containers.Lookups, acctKey, acctKey, new LookupRecord(acctKey, account.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
            await IndexHandlesAsync(account, null, cancellationToken);

            // Moderators list and act on remote accounts too.
            await Moderation.AccountIndex.WriteAsync(store, account, null, cancellationToken);
            return account;
        }

        var updated = fetched with
        {
            Id = existing.Id,
            CreatedAt = existing.CreatedAt,
            StatusesCount = Math.Max(existing.StatusesCount, fetched.StatusesCount),
            FollowersCount = Math.Max(existing.FollowersCount, fetched.FollowersCount),
            FollowingCount = Math.Max(existing.FollowingCount, fetched.FollowingCount),
            LastStatusAt = existing.LastStatusAt ?? fetched.LastStatusAt,

            // What we decided about the account (a Move, a deletion) is ours, not the document's.
            MovedToAccountId = fetched.MovedToAccountId ?? existing.MovedToAccountId,
            SuspendedAt = existing.SuspendedAt,
            SilencedAt = existing.SilencedAt,
            SensitizedAt = existing.SensitizedAt,
        };
        await store.UpsertAsync(Containers.Accounts, updated.Id, updated.Id, updated, StoreJsonContext.Default.AccountRecord, ifMatch: null, cancellationToken);
        if (!string.Equals(existing.Username, updated.Username, StringComparison.OrdinalIgnoreCase))
        {
            var acctKey = LookupKeys.RemoteAcct(updated.Username, updated.Domain!);
            await store.UpsertAsync(Containers.Lookups, acctKey, acctKey, new LookupRecord(acctKey, updated.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
        }

        await IndexHandlesAsync(updated, existing, cancellationToken);
        return updated;
    }
}
