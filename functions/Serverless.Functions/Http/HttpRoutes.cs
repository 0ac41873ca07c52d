namespace Serverless.Functions.Http;

/// <summary>
/// The route templates of the HTTP functions. Each function owns one top-level prefix and hands the
/// request to the same <c>Dispatcher</c> as the standalone host, which does the real routing.
/// </summary>
/// <remarks>
/// The Functions host tries routes in the order of the function names, not by specificity, so no
/// two templates here may match the same path: each starts with its own literal first segment
/// (or, for profiles, a literal <c>@</c> inside the first segment). No template may start with
/// <c>admin</c> or <c>runtime</c>, which the host keeps for itself. A trailing catch-all also
/// matches the bare prefix (<c>actor/{*path}</c> serves <c>/actor</c>).
/// </remarks>
public static class HttpRoutes
{
    /// <summary>The Mastodon client API (<c>/api/v1/…</c>, <c>/api/v2/…</c>, <c>/api/oembed</c>).</summary>
    public const string Api = "api/{*path}";

    /// <summary>OAuth 2.0: <c>/oauth/authorize</c>, <c>/oauth/token</c>, <c>/oauth/revoke</c>.</summary>
    public const string OAuth = "oauth/{*path}";

    /// <summary>WebFinger, host-meta, NodeInfo discovery, oauth-authorization-server metadata.</summary>
    public const string WellKnown = ".well-known/{*path}";

    /// <summary>NodeInfo documents (<c>/nodeinfo/2.0</c>, <c>/nodeinfo/2.1</c>).</summary>
    public const string NodeInfo = "nodeinfo/{*path}";

    /// <summary>Local actors and their collections and inboxes (<c>/users/alice/inbox</c>…).</summary>
    public const string Users = "users/{*path}";

    /// <summary>The shared inbox.</summary>
    public const string Inbox = "inbox";

    /// <summary>The instance actor (<c>/actor</c>) and its collections (<c>/actor/inbox</c>…).</summary>
    public const string Actor = "actor/{*path}";

    /// <summary>Media files (<c>/system/media_attachments/…</c>).</summary>
    public const string System = "system/{*path}";

    /// <summary>
    /// HTML profile and status pages (<c>/@alice</c>, <c>/@alice/123</c>). ASP.NET Core matches a
    /// complex segment such as <c>@{username}</c> from its right end, so a path for a remote
    /// account (<c>/@alice@remote.example</c>) does not match; those pages are not served here.
    /// </summary>
    public const string Profile = "@{username}/{*path}";

    /// <summary>Hashtag pages (<c>/tags/fediverse</c>), where ActivityPub <c>Hashtag</c> links point.</summary>
    public const string Tags = "tags/{*path}";

    /// <summary>The about page (<c>/about</c>, <c>/about/more</c>), the instance actor's <c>url</c>.</summary>
    public const string About = "about/{*path}";

    /// <summary>The admin pages (<c>/moderation/reports</c>, <c>/moderation/domain_blocks</c>): Mastodon's <c>/admin/…</c>, which the host keeps for itself.</summary>
    public const string Moderation = "moderation/{*path}";

    /// <summary>The WebFinger subscribe template's target (<c>/authorize_interaction?uri=…</c>).</summary>
    public const string AuthorizeInteraction = "authorize_interaction";

    /// <summary>The default avatar (<c>/avatars/original/missing.png</c>) of accounts without one.</summary>
    public const string Avatars = "avatars/{*path}";

    /// <summary>The default header (<c>/headers/original/missing.png</c>).</summary>
    public const string Headers = "headers/{*path}";

    /// <summary>Web PubSub's event handler webhook (<c>/_streaming/connect</c>, <c>/_streaming/message</c>).</summary>
    public const string Streaming = "_streaming/{*path}";

    /// <summary>Every method a function accepts: the dispatcher answers 405 itself where needed.</summary>
    public static readonly IReadOnlyList<string> Methods = ["get", "post", "put", "patch", "delete", "options", "head"];
}
