using Serverless.Core.Accounts;
using Serverless.Core.Statuses;

namespace Serverless.Core.Follows;

/// <summary>
/// Who may see a status, with follows taken into account: public and unlisted to everyone;
/// private to the author, the author's followers and mentioned accounts; direct to the author and
/// mentioned accounts. Every path that shows statuses should ask here (or use
/// <see cref="IsVisible"/> with a follow it already knows).
/// </summary>
public sealed class StatusVisibility(FollowService follows)
{
    /// <summary>The rule itself, for callers that already know whether the viewer follows the author.</summary>
    public static bool IsVisible(string? viewerId, StatusRecord status, bool viewerFollowsAuthor)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Visibility is Visibility.Public or Visibility.Unlisted)
        {
            return true;
        }

        if (viewerId is null)
        {
            return false;
        }

        if (viewerId == status.AccountId || status.Mentions.Any(m => m.AccountId == viewerId))
        {
            return true;
        }

        return status.Visibility == Visibility.Private && viewerFollowsAuthor;
    }

    /// <summary>Whether <paramref name="viewer"/> (null: anonymous) may see <paramref name="status"/>; at most one point read.</summary>
    public async Task<bool> CanSeeAsync(AccountRecord? viewer, StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (IsVisible(viewer?.Id, status, viewerFollowsAuthor: false))
        {
            return true;
        }

        return viewer is not null && status.Visibility == Visibility.Private && await follows.IsFollowingAsync(viewer.Id, status.AccountId, cancellationToken);
    }

    /// <summary>
    /// A visibility predicate for statuses by <paramref name="authorIds"/> (e.g. to pass to
    /// <c>TimelineService.RenderAsync</c>): one batch of point reads of the viewer's follows.
    /// Statuses by other authors are judged as if the viewer did not follow them.
    /// </summary>
    public async Task<Func<StatusRecord, bool>> PredicateAsync(AccountRecord? viewer, IEnumerable<string> authorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorIds);
        if (viewer is null)
        {
            return s => IsVisible(null, s, viewerFollowsAuthor: false);
        }

        var followed = await follows.FollowedAmongAsync(viewer.Id, authorIds.Where(id => id != viewer.Id), cancellationToken);
        return s => IsVisible(viewer.Id, s, followed.Contains(s.AccountId));
    }

    /// <summary>Keeps the statuses <paramref name="viewer"/> may see, in order; one batch of point reads.</summary>
    public async Task<IReadOnlyList<StatusRecord>> FilterAsync(AccountRecord? viewer, IReadOnlyList<StatusRecord> statuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var authors = statuses.Where(s => s.Visibility == Visibility.Private).Select(s => s.AccountId);
        var visible = await PredicateAsync(viewer, authors, cancellationToken);
        return statuses.Where(visible).ToList();
    }
}
