using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Http;

/// <summary>
/// A per-thread buffer and JSON writer for response bodies. Serialisation is synchronous, so a
/// thread's buffer is never shared; buffers that grew past <see cref="KeepLimit"/> are dropped
/// rather than kept, so a rare huge body does not pin memory on every thread.
/// </summary>
internal static class ResponseBuffer
{
    private const int InitialSize = 16 * 1024;
    private const int KeepLimit = 512 * 1024;

    /// <summary>
    /// HTML in statuses goes out as Mastodon sends it (<c>"&lt;p&gt;"</c>, not <c>"\u003Cp\u003E"</c>):
    /// the body is <c>application/json</c>, never inlined into a page, and escaping every tag
    /// would make timeline pages larger and slower to write.
    /// </summary>
    private static readonly JsonWriterOptions Options = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Serialises <paramref name="value"/>, sets the content length and copies the bytes into the response pipe (not flushed).</summary>
    public static void Write<T>(HttpResponse response, T value, JsonTypeInfo<T> type) =>
        Write(response, (_, writer) => JsonSerializer.Serialize(writer, value, type));

    /// <summary>Writes a list of statuses through <see cref="StatusJsonWriter"/>.</summary>
    public static void WriteStatuses(HttpResponse response, IReadOnlyList<Status> statuses) =>
        Write(response, (buffer, writer) => StatusJsonWriter.WriteArray(buffer, writer, statuses));

    /// <summary>Runs <paramref name="body"/> on this thread's buffer and writer, then copies the result into the response.</summary>
    private static void Write(HttpResponse response, Action<ArrayBufferWriter<byte>, Utf8JsonWriter> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(InitialSize);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, Options);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            body(buffer, writer);
            writer.Flush();
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > KeepLimit)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}
