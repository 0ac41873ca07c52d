using Serverless.Core.Accounts;
using Serverless.Core.Statuses;

namespace Serverless.Mastodon.Http;

/// <summary>Shorthands of the visibility rule (<see cref="Core.Follows.StatusVisibility"/>) for endpoints.</summary>
public static class Visible
{
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
