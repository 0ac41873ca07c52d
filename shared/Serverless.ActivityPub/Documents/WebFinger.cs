using System.Text.Json.Nodes;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Documents;

/// <summary>WebFinger (RFC 7033) resources of local accounts.</summary>
public static class WebFinger
{
    public const string ContentType = "application/jrd+json; charset=utf-8";

    public const string ProfilePage = "http://webfinger.net/rel/profile-page";

    /// <summary>
    /// Reads a resource (<c>acct:alice@domain</c>, <c>alice@domain</c>, or the actor or profile URL)
    /// and returns the local username it names, or null when it is not one of ours.
    /// </summary>
    public static string? LocalUsername(string? resource, string localDomain, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (string.IsNullOrWhiteSpace(resource))
        {
            return null;
        }

        resource = resource.Trim();
        if (resource.StartsWith(urls.Base + "/users/", StringComparison.OrdinalIgnoreCase))
        {
            return resource[(urls.Base.Length + "/users/".Length)..];
        }

        if (resource.StartsWith(urls.Base + "/@", StringComparison.OrdinalIgnoreCase))
        {
            return resource[(urls.Base.Length + 2)..];
        }

        if (resource.StartsWith("acct:", StringComparison.OrdinalIgnoreCase))
        {
            resource = resource[5..];
        }

        resource = resource.TrimStart('@');
        var at = resource.LastIndexOf('@');
        if (at <= 0)
        {
            return null;
        }

        var domain = resource[(at + 1)..];
        return string.Equals(domain, localDomain, StringComparison.OrdinalIgnoreCase) ? resource[..at] : null;
    }

    public static JsonObject Build(AccountRecord account, string localDomain, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(urls);
        var links = new JsonArray(
            new JsonObject { ["rel"] = ProfilePage, ["type"] = "text/html", ["href"] = account.Url },
            new JsonObject { ["rel"] = "self", ["type"] = ActivityStreams.ContentType, ["href"] = account.Uri },
            new JsonObject { ["rel"] = "http://ostatus.org/schema/1.0/subscribe", ["template"] = $"{urls.Base}/authorize_interaction?uri={{uri}}" });
        if (!string.IsNullOrEmpty(account.AvatarUrl))
        {
            var avatar = new JsonObject { ["rel"] = "http://webfinger.net/rel/avatar" };
            if (ImageTypes.FromUrl(account.AvatarUrl) is { } type)
            {
                avatar["type"] = type;
            }

            avatar["href"] = account.AvatarUrl;
            links.Add(avatar);
        }

        return new JsonObject
        {
            ["subject"] = $"acct:{account.Username}@{localDomain}",
            ["aliases"] = new JsonArray(account.Url, account.Uri),
            ["links"] = links,
        };
    }

    /// <summary>True when the resource names the instance actor: <c>acct:{domain}@{domain}</c> or its URI.</summary>
    public static bool IsInstanceActor(string? resource, string localDomain, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (string.IsNullOrWhiteSpace(resource))
        {
            return false;
        }

        resource = resource.Trim();
        if (string.Equals(resource, urls.Base + "/actor", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (resource.StartsWith("acct:", StringComparison.OrdinalIgnoreCase))
        {
            resource = resource[5..];
        }

        return string.Equals(resource.TrimStart('@'), $"{localDomain}@{localDomain}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The instance actor's resource, as Mastodon serves it.</summary>
    public static JsonObject BuildInstanceActor(InstanceActor actor, string localDomain, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new JsonObject
        {
            ["subject"] = $"acct:{localDomain}@{localDomain}",
            ["aliases"] = new JsonArray(actor.Uri),
            ["links"] = new JsonArray(
                new JsonObject { ["rel"] = ProfilePage, ["type"] = "text/html", ["href"] = ActorDocument.InstanceActorProfileUrl(urls) },
                new JsonObject { ["rel"] = "self", ["type"] = ActivityStreams.ContentType, ["href"] = actor.Uri }),
        };
    }
}
