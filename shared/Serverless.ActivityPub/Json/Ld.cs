using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Json;

/// <summary>
/// Reading ActivityPub JSON as plain JSON, as Mastodon does: a property may be a string, an object
/// with an <c>id</c> (or <c>href</c>), or an array of either.
/// </summary>
public static class Ld
{
    /// <summary>A string property, or null.</summary>
    public static string? String(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static bool? Bool(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.GetValue<bool>() : null;

    /// <summary>The id of a value that is a string, an object with <c>id</c> or <c>href</c>, or the first of an array.</summary>
    public static string? IdOf(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonObject obj => String(obj, "id") ?? String(obj, "href"),
        JsonArray array => array.Select(IdOf).FirstOrDefault(id => id is not null),
        _ => null,
    };

    /// <summary>The id of a property (<see cref="IdOf"/>).</summary>
    public static string? Id(JsonObject? node, string name) => IdOf(node?[name]);

    /// <summary>Every id in a property that may be one value or an array.</summary>
    public static IReadOnlyList<string> Ids(JsonObject? node, string name) => node?[name] switch
    {
        null => [],
        JsonArray array => array.Select(IdOf).OfType<string>().ToList(),
        var one => IdOf(one) is { } id ? [id] : [],
    };

    /// <summary>The objects of a property that may be one object or an array.</summary>
    public static IReadOnlyList<JsonObject> Objects(JsonObject? node, string name) => node?[name] switch
    {
        JsonObject obj => [obj],
        JsonArray array => array.OfType<JsonObject>().ToList(),
        _ => [],
    };

    /// <summary>The <c>type</c>, or the first of several.</summary>
    public static string? Type(JsonObject? node) => node?["type"] switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonArray array => array.Select(t => t is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>Whether a property holds <paramref name="id"/>, as one value or in an array.</summary>
    public static bool Includes(JsonObject? node, string name, string id) => Ids(node, name).Contains(id, StringComparer.Ordinal);

    /// <summary>The scheme, host and port of a URI, for same-origin checks; null when not an absolute http(s) URI.</summary>
    public static string? Origin(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)
            ? parsed.GetLeftPart(UriPartial.Authority).ToLowerInvariant()
            : null;

    /// <summary>The host and (non-default) port, which is what a remote account's domain is.</summary>
    public static string? Authority(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? (parsed.IsDefaultPort ? parsed.Host : $"{parsed.Host}:{parsed.Port}").ToLowerInvariant() : null;

    public static bool SameOrigin(string? a, string? b) => Origin(a) is { } x && x == Origin(b);

    public static DateTimeOffset? Date(JsonObject? node, string name) =>
        String(node, name) is { } s && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
