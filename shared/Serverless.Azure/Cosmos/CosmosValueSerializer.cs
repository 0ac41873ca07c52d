using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// The client's serializer. Documents travel as streams that the store writes and reads with
/// System.Text.Json source-generated metadata, so the SDK serializes only small values of ours:
/// query parameters (strings, numbers, booleans) and patch values (<see cref="JsonNode"/>). This
/// writes exactly those, without reflection, and refuses anything else loudly.
/// </summary>
internal sealed class CosmosValueSerializer : CosmosSerializer
{
    public override T FromStream<T>(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (typeof(Stream).IsAssignableFrom(typeof(T)))
        {
            return (T)(object)stream;
        }

        using (stream)
        {
            if (typeof(T) == typeof(JsonNode) || typeof(T) == typeof(JsonObject))
            {
                return (T)(object)JsonNode.Parse(stream)!;
            }
        }

        throw new NotSupportedException($"The document store reads items as streams; the SDK asked to deserialize {typeof(T).Name}.");
    }

    public override Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, input);
        }

        stream.Position = 0;
        return stream;
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            default:
                throw new NotSupportedException($"The document store does not serialize {value.GetType().Name} values through the Cosmos SDK.");
        }
    }
}
