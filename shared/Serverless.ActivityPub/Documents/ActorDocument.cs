using System.Text.Json.Nodes;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Documents;

/// <summary>Builds the ActivityPub actor of a local account, and the instance actor, in the shape Mastodon and other servers read.</summary>
public static class ActorDocument
{
    /// <summary>The collection of an account's pinned statuses (Mastodon's path).</summary>
    public static string FeaturedUri(LocalUrls urls, string username)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Actor(username) + "/collections/featured";
    }

    /// <summary>The collection of an account's featured hashtags (Mastodon's path).</summary>
    public static string FeaturedTagsUri(LocalUrls urls, string username)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Actor(username) + "/collections/tags";
    }

    public static JsonObject Build(AccountRecord account, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(urls);
        var actor = new JsonObject
        {
            ["@context"] = JsonLd.Context,
            ["id"] = account.Uri,
            ["type"] = account.Bot ? "Service" : "Person",
            ["following"] = urls.Following(account.Username),
            ["followers"] = urls.Followers(account.Username),
            ["inbox"] = urls.Inbox(account.Username),
            ["outbox"] = urls.Outbox(account.Username),
            ["featured"] = FeaturedUri(urls, account.Username),
            ["featuredTags"] = FeaturedTagsUri(urls, account.Username),
            ["preferredUsername"] = account.Username,
            ["name"] = string.IsNullOrEmpty(account.DisplayName) ? account.Username : account.DisplayName,
            ["summary"] = account.Note,
            ["url"] = account.Url,
            ["manuallyApprovesFollowers"] = account.Locked,
            ["discoverable"] = account.Discoverable,
            ["indexable"] = account.Indexable ?? account.Discoverable,
            ["published"] = account.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'00:00:00'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["memorial"] = false,
            ["publicKey"] = new JsonObject
            {
                ["id"] = urls.MainKey(account.Username),
                ["owner"] = account.Uri,
                ["publicKeyPem"] = account.PublicKeyPem,
            },
            ["tag"] = new JsonArray(),
            ["attachment"] = Fields(account),
            ["endpoints"] = new JsonObject { ["sharedInbox"] = urls.SharedInbox },
        };
        if (account.AlsoKnownAs.Count > 0)
        {
            actor["alsoKnownAs"] = new JsonArray([.. account.AlsoKnownAs.Select(uri => (JsonNode?)uri)]);
        }

        if (Image(account.AvatarUrl) is { } icon)
        {
            actor["icon"] = icon;
        }

        if (Image(account.HeaderUrl) is { } image)
        {
            actor["image"] = image;
        }

        return actor;
    }

    /// <summary>
    /// The instance actor (<c>/actor</c>): an <c>Application</c> named after the domain that signs
    /// our fetches. It is served to anyone, without a signature, so that two servers which both
    /// require signed fetches can still get each other's keys.
    /// </summary>
    public static JsonObject BuildInstanceActor(InstanceActor instanceActor, string publicKeyPem, string localDomain, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(instanceActor);
        ArgumentNullException.ThrowIfNull(urls);
        return new JsonObject
        {
            ["@context"] = JsonLd.Context,
            ["id"] = instanceActor.Uri,
            ["type"] = "Application",
            ["inbox"] = instanceActor.Inbox,
            ["outbox"] = instanceActor.Uri + "/outbox",
            ["preferredUsername"] = localDomain,
            ["url"] = InstanceActorProfileUrl(urls),
            ["manuallyApprovesFollowers"] = true,
            ["publicKey"] = new JsonObject
            {
                ["id"] = instanceActor.KeyId,
                ["owner"] = instanceActor.Uri,
                ["publicKeyPem"] = publicKeyPem,
            },
            ["endpoints"] = new JsonObject { ["sharedInbox"] = urls.SharedInbox },
        };
    }

    /// <summary>Where Mastodon points the instance actor's <c>url</c>: the about page.</summary>
    public static string InstanceActorProfileUrl(LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Base + "/about/more?instance_actor=true";
    }

    /// <summary>Profile fields as <c>PropertyValue</c>s; the value is the HTML shown to everyone (URLs as links), as Mastodon sends it.</summary>
    private static JsonArray Fields(AccountRecord account)
    {
        var fields = new JsonArray();
        foreach (var field in account.Fields)
        {
            fields.Add(new JsonObject { ["type"] = "PropertyValue", ["name"] = field.Name, ["value"] = field.Value });
        }

        return fields;
    }

    private static JsonObject? Image(string? url) =>
        string.IsNullOrEmpty(url) ? null : new JsonObject { ["type"] = "Image", ["mediaType"] = ImageTypes.FromUrl(url), ["url"] = url };
}

/// <summary>The media type of an image file from its extension, for avatars and headers (stored by URL only).</summary>
public static class ImageTypes
{
    public static string? FromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            ".avif" => "image/avif",
            ".heic" => "image/heic",
            _ => null,
        };
    }
}
