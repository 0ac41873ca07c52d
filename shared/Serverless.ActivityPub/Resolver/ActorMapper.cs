using System.Text.Json.Nodes;
using Serverless.ActivityPub.Content;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Resolver;

/// <summary>Reads a remote actor document into an account record (without an id: the store assigns it).</summary>
public static class ActorMapper
{
    private static readonly HashSet<string> ActorTypes = new(StringComparer.Ordinal) { "Person", "Service", "Application", "Group", "Organization" };

    /// <summary>Whether the document is an actor we can follow and be followed by.</summary>
    public static bool IsActor(JsonObject? document) => Ld.Type(document) is { } type && ActorTypes.Contains(type) && Ld.String(document, "inbox") is not null;

    /// <summary>The account described by an actor document, or null when it lacks what federation needs (id, username, inbox).</summary>
    public static AccountRecord? ToAccount(JsonObject actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var uri = Ld.String(actor, "id");
        var username = Ld.String(actor, "preferredUsername");
        var inbox = Ld.String(actor, "inbox");
        var domain = Ld.Authority(uri);
        if (!IsActor(actor) || uri is null || string.IsNullOrWhiteSpace(username) || domain is null || !Ld.SameOrigin(uri, inbox))
        {
            return null;
        }

        var key = PublicKeyOf(actor, uri);
        var type = Ld.Type(actor);
        var fields = Ld.Objects(actor, "attachment")
            .Where(a => Ld.Type(a) == "PropertyValue" && Ld.String(a, "name") is not null)
            .Take(16)
            .Select(a => new AccountField(Ld.String(a, "name")!, RemoteHtml.Sanitize(Ld.String(a, "value") ?? "")))
            .ToList();
        var endpoints = actor["endpoints"] as JsonObject;
        return new AccountRecord
        {
            Id = "",
            Username = username.Trim(),
            Domain = domain,
            DisplayName = Truncate(Ld.String(actor, "name") ?? "", 100),
            Note = RemoteHtml.Sanitize(Ld.String(actor, "summary") ?? ""),
            Locked = Ld.Bool(actor, "manuallyApprovesFollowers") ?? false,
            Bot = type is "Service" or "Application",
            Discoverable = Ld.Bool(actor, "discoverable") ?? false,
            Indexable = Ld.Bool(actor, "indexable"),
            CreatedAt = Ld.Date(actor, "published") ?? now,
            Uri = uri,
            Url = Ld.Id(actor, "url") ?? uri,
            InboxUrl = inbox,
            SharedInboxUrl = Ld.String(endpoints, "sharedInbox") is { } shared && Ld.Origin(shared) is not null ? shared : null,
            FollowersUrl = Ld.Id(actor, "followers"),
            FollowingUrl = Ld.Id(actor, "following"),
            OutboxUrl = Ld.Id(actor, "outbox") is { } outbox && Ld.SameOrigin(outbox, uri) ? outbox : null,
            PublicKeyPem = key?.Pem,
            PublicKeyId = key?.Id,
            AvatarUrl = ImageUrl(actor, "icon"),
            HeaderUrl = ImageUrl(actor, "image"),
            Fields = fields,
            LastFetchedAt = now,
        };
    }

    /// <summary>The actor's RSA key: <c>publicKey</c> as an object or an array (the one owned by the actor).</summary>
    public static (string Id, string Pem)? PublicKeyOf(JsonObject actor, string actorUri)
    {
        ArgumentNullException.ThrowIfNull(actor);
        foreach (var key in Ld.Objects(actor, "publicKey"))
        {
            var id = Ld.String(key, "id");
            var pem = Ld.String(key, "publicKeyPem");
            var owner = Ld.String(key, "owner") ?? actorUri;
            if (id is not null && pem is not null && owner == actorUri)
            {
                return (id, pem);
            }
        }

        return null;
    }

    private static string? ImageUrl(JsonObject actor, string name) =>
        Ld.Objects(actor, name).Select(i => Ld.Id(i, "url")).FirstOrDefault(u => Ld.Origin(u) is not null)
        ?? (Ld.String(actor, name) is { } direct && Ld.Origin(direct) is not null ? direct : null);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
