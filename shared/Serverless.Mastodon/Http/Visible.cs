using Serverless.Core.Accounts;
using Serverless.Core.Statuses;

namespace Serverless.Mastodon.Http;

/// <summary>
/// Who may see a status. Public and unlisted: everyone. Private and direct: the author (followers
/// and mentioned accounts are checked once follows and mentions are in the client API).
/// </summary>
public static class Visible
{
    public static bool To(AccountRecord? viewer, StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Visibility is Visibility.Public or Visibility.Unlisted || (viewer is not null && viewer.Id == status.AccountId);
    }

    /// <summary>
    /// The full rule, with follows and mentions: private statuses also to followers, both private
    /// and direct to mentioned accounts. Find out whether the viewer follows the author with
    /// <c>StatusVisibility</c> (Core/Follows), or use its <c>CanSeeAsync</c>/<c>PredicateAsync</c> directly.
    /// </summary>
    public static bool To(AccountRecord? viewer, StatusRecord status, bool viewerFollowsAuthor) =>
        Core.Follows.StatusVisibility.IsVisible(viewer?.Id, status, viewerFollowsAuthor);

    public static bool Public(StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Visibility == Visibility.Public;
    }
}
