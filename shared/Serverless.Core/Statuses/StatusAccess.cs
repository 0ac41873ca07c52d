using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>
/// Who may see a status, as Mastodon decides it: public and unlisted, everyone; private, the
/// author, the mentioned accounts and the author's followers; direct, the author and the
/// mentioned accounts. Following is one point read of the viewer's follow edge (a batch read for
/// many authors at once).
/// </summary>
public sealed class StatusAccess(IDocumentStore store)
{
    /// <summary>True when the viewer is the author or is mentioned.</summary>
    public static bool Addresses(StatusRecord status, string viewerId)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.AccountId == viewerId || status.Mentions.Any(m => m.AccountId == viewerId);
    }

    /// <summary>The decision, given the authors the viewer follows.</summary>
    public static bool CanSee(StatusRecord status, AccountRecord? viewer, IReadOnlySet<string> followedAuthors)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(followedAuthors);
        if (status.Visibility is Visibility.Public or Visibility.Unlisted)
        {
            return true;
        }

        return viewer is not null
            && (Addresses(status, viewer.Id) || (status.Visibility == Visibility.Private && followedAuthors.Contains(status.AccountId)));
    }

    public async Task<bool> CanSeeAsync(StatusRecord status, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Visibility is Visibility.Public or Visibility.Unlisted)
        {
            return true;
        }

        if (viewer is null)
        {
            return false;
        }

        if (Addresses(status, viewer.Id))
        {
            return true;
        }

        return status.Visibility == Visibility.Private
            && await store.ReadAsync(Containers.Follows, FollowRecord.FollowingPartition(viewer.Id), status.AccountId, StoreJsonContext.Default.FollowRecord, cancellationToken) is not null;
    }

    /// <summary>Which of <paramref name="authorIds"/> the viewer follows: one batch read of follow edges.</summary>
    public async Task<IReadOnlySet<string>> FollowedAmongAsync(AccountRecord? viewer, IEnumerable<string> authorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorIds);
        if (viewer is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var keys = authorIds.Where(id => id != viewer.Id).Distinct(StringComparer.Ordinal)
            .Select(id => new DocumentKey(FollowRecord.FollowingPartition(viewer.Id), id)).ToList();
        if (keys.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var edges = await store.ReadManyAsync(Containers.Follows, keys, StoreJsonContext.Default.FollowRecord, cancellationToken);
        return edges.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
    }
}
