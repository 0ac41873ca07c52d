using System.Text.Json.Nodes;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Activity;

/// <summary>A verified inbound activity: its JSON, its actor (whose key signed it), and the personal inbox it came to, if any.</summary>
public sealed record InboundActivity(JsonObject Json, string Type, AccountRecord Actor, string? InboxAccountId)
{
    public string? Id => Json["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The <c>object</c> when it was embedded (an object), else null.</summary>
    public JsonObject? EmbeddedObject => Json["object"] as JsonObject;

    /// <summary>The id of the <c>object</c>, embedded or referenced.</summary>
    public string? ObjectId => Json.IdOf("object");
}

/// <summary>One handler per activity type, as Mastodon's <c>app/lib/activitypub/activity/</c>; the <c>ingest</c> queue picks it by <see cref="Type"/>.</summary>
public interface IActivityHandler
{
    string Type { get; }

    Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken);
}

internal static class JsonObjectExtensions
{
    public static string? IdOf(this JsonObject node, string name) => Json.Ld.Id(node, name);
}
