using System.Text.Json.Nodes;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Documents;

/// <summary>Builds the ActivityPub actor of a local account, in the shape Mastodon and other servers read.</summary>
public static class ActorDocument
{
    public static JsonObject Build(AccountRecord account, LocalUrls urls)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(urls);
        var actor = new JsonObject
        {
            ["@context"] = new JsonArray(
                ActivityStreams.Context,
                ActivityStreams.SecurityContext,
                new JsonObject
                {
                    ["manuallyApprovesFollowers"] = "as:manuallyApprovesFollowers",
                    ["toot"] = "http://joinmastodon.org/ns#",
                    ["discoverable"] = "toot:discoverable",
                    ["indexable"] = "toot:indexable",
                    ["featured"] = new JsonObject { ["@id"] = "toot:featured", ["@type"] = "@id" },
                }),
            ["id"] = account.Uri,
            ["type"] = account.Bot ? "Service" : "Person",
            ["preferredUsername"] = account.Username,
            ["name"] = account.DisplayName,
            ["summary"] = account.Note,
            ["url"] = account.Url,
            ["inbox"] = urls.Inbox(account.Username),
            ["outbox"] = urls.Outbox(account.Username),
            ["followers"] = urls.Followers(account.Username),
            ["following"] = urls.Following(account.Username),
            ["manuallyApprovesFollowers"] = account.Locked,
            ["discoverable"] = account.Discoverable,
            ["indexable"] = account.Discoverable,
            ["published"] = account.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'00:00:00'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["endpoints"] = new JsonObject { ["sharedInbox"] = urls.SharedInbox },
            ["publicKey"] = new JsonObject
            {
                ["id"] = urls.MainKey(account.Username),
                ["owner"] = account.Uri,
                ["publicKeyPem"] = account.PublicKeyPem,
            },
        };
        return actor;
    }
}
