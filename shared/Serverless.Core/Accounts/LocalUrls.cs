using Serverless.Core.Configuration;

namespace Serverless.Core.Accounts;

/// <summary>The URLs of local things, in Mastodon's shapes, so that peers and clients find them where they expect.</summary>
public sealed class LocalUrls(InstanceOptions options)
{
    public string Base => options.BaseUrl;

    public string Actor(string username) => $"{Base}/users/{username}";

    public string Profile(string username) => $"{Base}/@{username}";

    public string Inbox(string username) => $"{Actor(username)}/inbox";

    public string Outbox(string username) => $"{Actor(username)}/outbox";

    public string Followers(string username) => $"{Actor(username)}/followers";

    public string Following(string username) => $"{Actor(username)}/following";

    public string SharedInbox => $"{Base}/inbox";

    public string StatusUri(string username, string statusId) => $"{Actor(username)}/statuses/{statusId}";

    public string StatusUrl(string username, string statusId) => $"{Profile(username)}/{statusId}";

    public string MainKey(string username) => $"{Actor(username)}#main-key";
}
