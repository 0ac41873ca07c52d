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

    public static bool Public(StatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Visibility == Visibility.Public;
    }
}
