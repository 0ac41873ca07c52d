using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>
/// Applies <see cref="StatusVisibility.IsVisible"/> (the one visibility rule) with follows read
/// from the store: one point read of the viewer's follow edge, or a batch read for many authors.
/// </summary>
public sealed class StatusAccess(IDocumentStore store)
{
    /// <summary>True when the viewer is the author or is mentioned.</summary>
    public static bool Addresses(StatusRecord status, string viewerId)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.AccountId == viewerId || status.Mentions.Any(m => m.AccountId == viewerId);
    }

    /// <summary>The decision, given the authors the viewer follows. The rule itself lives in <see cref="StatusVisibility.IsVisible"/>.</summary>
    public static bool CanSee(StatusRecord status, AccountRecord? viewer, IReadOnlySet<string> followedAuthors)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(followedAuthors);
        return StatusVisibility.IsVisible(viewer?.Id, status, followedAuthors.Contains(status.AccountId));
    }

    public async Task<bool> CanSeeAsync(StatusRecord status, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (StatusVisibility.IsVisible(viewer?.Id, status, viewerFollowsAuthor: false))
        {
            return true;
        }

        return viewer is not null
            && status.Visibility == Visibility.Private
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
