using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Documents;

/// <summary>
/// The JSON-LD <c>@context</c> of every document we serve or deliver, and the writing of those
/// documents. One context for all of them (actors, statuses, activities, collections): the
/// ActivityStreams and security vocabularies plus the Mastodon, OStatus and schema.org terms our
/// documents use, so that peers that expand JSON-LD (Fedify, Iceshrimp.NET) read the same terms
/// Mastodon's documents carry, and peers that read plain JSON see Mastodon's property names.
/// </summary>
public static class JsonLd
{
    public const string Toot = "http://joinmastodon.org/ns#";
    public const string OStatus = "http://ostatus.org#";
    public const string Schema = "http://schema.org#";

    /// <summary>
    /// A new copy of the context array on each call: a JSON node has one parent, so every document
    /// gets its own.
    /// </summary>
    public static JsonArray Context => new(
        ActivityStreams.Context,
        ActivityStreams.SecurityContext,
        new JsonObject
        {
            ["manuallyApprovesFollowers"] = "as:manuallyApprovesFollowers",
            ["sensitive"] = "as:sensitive",
            ["Hashtag"] = "as:Hashtag",
            ["movedTo"] = IdTerm("as:movedTo"),
            ["alsoKnownAs"] = IdTerm("as:alsoKnownAs"),
            ["toot"] = Toot,
            ["Emoji"] = "toot:Emoji",
            ["featured"] = IdTerm("toot:featured"),
            ["featuredTags"] = IdTerm("toot:featuredTags"),
            ["focalPoint"] = new JsonObject { ["@container"] = "@list", ["@id"] = "toot:focalPoint" },
            ["blurhash"] = "toot:blurhash",
            ["discoverable"] = "toot:discoverable",
            ["indexable"] = "toot:indexable",
            ["memorial"] = "toot:memorial",
            ["suspended"] = "toot:suspended",
            ["votersCount"] = "toot:votersCount",
            ["schema"] = Schema,
            ["PropertyValue"] = "schema:PropertyValue",
            ["value"] = "schema:value",
            ["ostatus"] = OStatus,
            ["atomUri"] = "ostatus:atomUri",
            ["inReplyToAtomUri"] = "ostatus:inReplyToAtomUri",
            ["conversation"] = "ostatus:conversation",
        });

    /// <summary>
    /// Returns a document with <c>@context</c> first, then the properties of <paramref name="body"/>
    /// (which are moved, so <paramref name="body"/> is left empty). Peers do not care about order,
    /// but people reading the documents do.
    /// </summary>
    public static JsonObject WithContext(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var document = new JsonObject { ["@context"] = Context };
        var properties = body.ToList();
        body.Clear();
        foreach (var (name, value) in properties)
        {
            if (name != "@context")
            {
                document[name] = value;
            }
        }

        return document;
    }

    /// <summary>An ISO 8601 timestamp to the second in UTC, as Mastodon writes them (<c>2024-05-01T12:00:00Z</c>).</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // HTML in content goes out as written ("<p>", not "\u003Cp\u003E"); the body is JSON, never inlined in a page.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes a document as UTF-8 JSON.</summary>
    public static void WriteTo(JsonNode document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        document.WriteTo(writer);
    }

    /// <summary>The document as a JSON string (for storing or signing an activity).</summary>
    public static string Serialize(JsonNode document)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteTo(document, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonObject IdTerm(string id) => new() { ["@id"] = id, ["@type"] = "@id" };
}
