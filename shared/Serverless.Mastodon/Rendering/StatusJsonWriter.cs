using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Rendering;

/// <summary>
/// Writes statuses as JSON with the viewer-independent part of each taken from a cache: a timeline
/// page is mostly the same statuses and accounts written again for every reader, and serialising
/// them was most of the page's cost. What differs per viewer (<c>favourited</c>, <c>reblogged</c>,
/// <c>muted</c>, <c>bookmarked</c>, <c>pinned</c>, <c>filtered</c>, the poll's votes and the
/// reblogged status) is written after the cached bytes on every request.
/// </summary>
/// <remarks>
/// The cache is keyed by the entity <see cref="EntityMapper"/> built once per stored record
/// instance, so a changed record (a new instance in the read cache) gets new bytes. A status is
/// written from the cache only when it equals that entity in everything but the viewer's fields;
/// any other change (a redraft's <c>text</c>, say) is written by the serializer, so the output is
/// always what <see cref="MastodonJsonContext"/> would write, up to the order of the properties.
/// </remarks>
public static class StatusJsonWriter
{
    private static readonly ConditionalWeakTable<Status, byte[]> Prefixes = new();

    /// <summary>The properties written per viewer, in the order they follow the cached prefix.</summary>
    private static readonly string[] ViewerProperties = ["favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered", "poll", "reblog"];

    private static ReadOnlySpan<byte> Null => "null"u8;

    private static ReadOnlySpan<byte> True => "true"u8;

    private static ReadOnlySpan<byte> False => "false"u8;

    /// <summary>Writes <paramref name="statuses"/> as a JSON array to <paramref name="output"/>; <paramref name="writer"/> is reset onto it for the serialised parts.</summary>
    public static void WriteArray(IBufferWriter<byte> output, Utf8JsonWriter writer, IReadOnlyList<Status> statuses)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(statuses);
        output.Write("["u8);
        for (var i = 0; i < statuses.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            Write(output, writer, statuses[i]);
        }

        output.Write("]"u8);
    }

    /// <summary>Writes one status object.</summary>
    public static void Write(IBufferWriter<byte> output, Utf8JsonWriter writer, Status status)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(status);
        if (status.Base is not { } template || !SameApartFromViewer(status, template))
        {
            Serialize(output, writer, status);
            return;
        }

        output.Write(Prefix(template, writer.Options));
        Flag(output, ",\"favourited\":"u8, status.Favourited);
        Flag(output, ",\"reblogged\":"u8, status.Reblogged);
        Flag(output, ",\"muted\":"u8, status.Muted);
        Flag(output, ",\"bookmarked\":"u8, status.Bookmarked);
        Flag(output, ",\"pinned\":"u8, status.Pinned);
        output.Write(",\"filtered\":"u8);
        if (status.Filtered is { Count: 0 })
        {
            output.Write("[]"u8);
        }
        else
        {
            Value(output, writer, status.Filtered, MastodonJsonContext.Default.ListFilterResult);
        }

        output.Write(",\"poll\":"u8);
        Value(output, writer, status.Poll, MastodonJsonContext.Default.Poll);
        output.Write(",\"reblog\":"u8);
        if (status.Reblog is null)
        {
            output.Write(Null);
        }
        else
        {
            Write(output, writer, status.Reblog);
        }

        output.Write("}"u8);
    }

    /// <summary>A nested value through the serializer, or <c>null</c>.</summary>
    private static void Value<T>(IBufferWriter<byte> output, Utf8JsonWriter writer, T? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (value is null)
        {
            output.Write(Null);
            return;
        }

        writer.Reset(output);
        JsonSerializer.Serialize(writer, value, type);
        writer.Flush();
    }

    private static void Serialize(IBufferWriter<byte> output, Utf8JsonWriter writer, Status status) => Value(output, writer, status, MastodonJsonContext.Default.Status);


    private static void Flag(IBufferWriter<byte> output, ReadOnlySpan<byte> name, bool? value)
    {
        output.Write(name);
        output.Write(value is null ? Null : value.Value ? True : False);
    }

    /// <summary>
    /// Whether <paramref name="status"/> is <paramref name="template"/> with only the viewer's
    /// properties set: compared field by field, without allocating (a test checks that every
    /// property of <see cref="Status"/> is either compared here or written per viewer).
    /// </summary>
    private static bool SameApartFromViewer(Status status, Status template) =>
        ReferenceEquals(status, template) || (
            string.Equals(status.Id, template.Id, StringComparison.Ordinal)
            && string.Equals(status.Uri, template.Uri, StringComparison.Ordinal)
            && string.Equals(status.Url, template.Url, StringComparison.Ordinal)
            && string.Equals(status.CreatedAt, template.CreatedAt, StringComparison.Ordinal)
            && ReferenceEquals(status.Account, template.Account)
            && string.Equals(status.Content, template.Content, StringComparison.Ordinal)
            && string.Equals(status.Visibility, template.Visibility, StringComparison.Ordinal)
            && status.Sensitive == template.Sensitive
            && string.Equals(status.SpoilerText, template.SpoilerText, StringComparison.Ordinal)
            && ReferenceEquals(status.MediaAttachments, template.MediaAttachments)
            && ReferenceEquals(status.Application, template.Application)
            && ReferenceEquals(status.Mentions, template.Mentions)
            && ReferenceEquals(status.Tags, template.Tags)
            && ReferenceEquals(status.Emojis, template.Emojis)
            && status.ReblogsCount == template.ReblogsCount
            && status.FavouritesCount == template.FavouritesCount
            && status.RepliesCount == template.RepliesCount
            && status.QuotesCount == template.QuotesCount
            && string.Equals(status.InReplyToId, template.InReplyToId, StringComparison.Ordinal)
            && string.Equals(status.InReplyToAccountId, template.InReplyToAccountId, StringComparison.Ordinal)
            && ReferenceEquals(status.Card, template.Card)
            && string.Equals(status.Language, template.Language, StringComparison.Ordinal)
            && string.Equals(status.Text, template.Text, StringComparison.Ordinal)
            && string.Equals(status.EditedAt, template.EditedAt, StringComparison.Ordinal));

    /// <summary>The properties <see cref="SameApartFromViewer"/> compares, for the test that keeps it complete.</summary>
    public static IReadOnlyList<string> ComparedProperties { get; } =
    [
        nameof(Status.Id), nameof(Status.Uri), nameof(Status.Url), nameof(Status.CreatedAt), nameof(Status.Account), nameof(Status.Content),
        nameof(Status.Visibility), nameof(Status.Sensitive), nameof(Status.SpoilerText), nameof(Status.MediaAttachments), nameof(Status.Application),
        nameof(Status.Mentions), nameof(Status.Tags), nameof(Status.Emojis), nameof(Status.ReblogsCount), nameof(Status.FavouritesCount),
        nameof(Status.RepliesCount), nameof(Status.QuotesCount), nameof(Status.InReplyToId), nameof(Status.InReplyToAccountId), nameof(Status.Card),
        nameof(Status.Language), nameof(Status.Text), nameof(Status.EditedAt),
    ];

    /// <summary>The properties written per viewer after the cached prefix.</summary>
    public static IReadOnlyList<string> PerViewerProperties { get; } =
    [
        nameof(Status.Favourited), nameof(Status.Reblogged), nameof(Status.Muted), nameof(Status.Bookmarked), nameof(Status.Pinned),
        nameof(Status.Filtered), nameof(Status.Poll), nameof(Status.Reblog),
    ];

    /// <summary>
    /// The template serialised once, without its viewer properties and without the closing brace:
    /// <c>{"id":"…",…,"edited_at":null</c>.
    /// </summary>
    private static byte[] Prefix(Status template, JsonWriterOptions options)
    {
        if (Prefixes.TryGetValue(template, out var cached))
        {
            return cached;
        }

        // Written with the caller's options: the response writer's encoder (HTML unescaped) is not the context's default.
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            JsonSerializer.Serialize(writer, template, MastodonJsonContext.Default.Status);
        }

        var whole = buffer.WrittenSpan.ToArray();
        var prefix = WithoutViewerProperties(whole);
        Prefixes.AddOrUpdate(template, prefix);
        return prefix;
    }

    /// <summary>Copies the top-level properties that are not the viewer's, keeping the object open.</summary>
    private static byte[] WithoutViewerProperties(byte[] json)
    {
        var result = new ArrayBufferWriter<byte>(json.Length);
        result.Write("{"u8);
        var reader = new Utf8JsonReader(json);
        reader.Read(); // StartObject
        var first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var name = reader.GetString();
            reader.Read();
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (Array.IndexOf(ViewerProperties, name) >= 0)
            {
                continue;
            }

            if (!first)
            {
                result.Write(","u8);
            }

            result.Write(json.AsSpan(start, end - start));
            first = false;
        }

        return result.WrittenSpan.ToArray();
    }
}
