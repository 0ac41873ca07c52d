using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Storage;

namespace Serverless.Embedded.Sqlite;

/// <summary>Applies Cosmos-style patch operations to a parsed document.</summary>
internal static class JsonPatcher
{
    public const int MaxOperations = 10;

    /// <summary>Rejects what Cosmos DB rejects before it looks at the document (a 400 there).</summary>
    public static void Validate(IReadOnlyList<PatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            throw new ArgumentException("A patch needs at least one operation.", nameof(operations));
        }

        if (operations.Count > MaxOperations)
        {
            throw new ArgumentException($"A patch may have at most {MaxOperations} operations (Cosmos DB's limit); got {operations.Count}.", nameof(operations));
        }

        foreach (var operation in operations)
        {
            ArgumentNullException.ThrowIfNull(operation, nameof(operations));
            var segments = ParsePath(operation.Path);
            if (segments.Length == 1 && segments[0] is "id" or "pk")
            {
                throw new ArgumentException($"The path '{operation.Path}' names the document's id or partition key, which a patch cannot change.", nameof(operations));
            }

            if (operation.Type == PatchOperationType.Increment && !IsNumber(operation.Value))
            {
                throw new ArgumentException($"Increment of '{operation.Path}' needs a number.", nameof(operations));
            }
        }
    }

    public static void Apply(JsonObject document, IReadOnlyList<PatchOperation> operations)
    {
        foreach (var operation in operations)
        {
            var segments = ParsePath(operation.Path);
            switch (operation.Type)
            {
                case PatchOperationType.Set:
                    SetValue(document, segments, operation.Path, operation.Value?.DeepClone());
                    break;
                case PatchOperationType.Increment:
                    Increment(document, segments, operation.Path, operation.Value!);
                    break;
                case PatchOperationType.Remove:
                    Remove(document, segments, operation.Path);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(operations), operation.Type, "Unknown patch operation.");
            }
        }
    }

    /// <summary>Splits a JSON Pointer such as <c>/counts/replies</c>, undoing <c>~1</c> and <c>~0</c>.</summary>
    private static string[] ParsePath(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length == 1)
        {
            throw new ArgumentException($"'{path}' is not a patch path (it must look like /field or /a/b).", nameof(path));
        }

        var segments = path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Length == 0)
            {
                throw new ArgumentException($"'{path}' has an empty segment.", nameof(path));
            }

            segments[i] = segments[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        return segments;
    }

    /// <summary>Walks to the container of the last segment, creating objects on the way when asked.</summary>
    private static JsonNode? Parent(JsonObject document, string[] segments, string path, bool create)
    {
        JsonNode current = document;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i];
            JsonNode? next;
            switch (current)
            {
                case JsonObject obj:
                    next = obj[segment];
                    if (next is null)
                    {
                        if (!create)
                        {
                            return null;
                        }

                        next = new JsonObject();
                        obj[segment] = next;
                    }

                    break;
                case JsonArray array when TryIndex(segment, array.Count, out var index) && index < array.Count:
                    next = array[index] ?? throw PathError(path, "crosses a null array element");
                    break;
                default:
                    throw PathError(path, "does not lead through objects");
            }

            current = next;
        }

        return current;
    }

    private static void SetValue(JsonObject document, string[] segments, string path, JsonNode? value)
    {
        var parent = Parent(document, segments, path, create: true);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when TryIndex(last, array.Count, out var index) && index <= array.Count:
                if (index == array.Count)
                {
                    array.Add(value);
                }
                else
                {
                    array[index] = value;
                }

                break;
            default:
                throw PathError(path, "does not name an object member or array element");
        }
    }

    private static void Increment(JsonObject document, string[] segments, string path, JsonNode by)
    {
        var parent = Parent(document, segments, path, create: true) as JsonObject ?? throw PathError(path, "does not name an object member");
        var last = segments[^1];
        var current = parent[last];
        if (current is null)
        {
            // A missing field counts from zero.
            parent[last] = by.DeepClone();
            return;
        }

        if (!IsNumber(current))
        {
            throw PathError(path, "is not a number, so it cannot be incremented");
        }

        var currentText = current.ToJsonString();
        var byText = by.ToJsonString();
        if (long.TryParse(currentText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(byText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b))
        {
            parent[last] = JsonValue.Create(checked(a + b));
        }
        else
        {
            parent[last] = JsonValue.Create(
                double.Parse(currentText, NumberStyles.Float, CultureInfo.InvariantCulture) + double.Parse(byText, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    private static void Remove(JsonObject document, string[] segments, string path)
    {
        var parent = Parent(document, segments, path, create: false);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array when TryIndex(last, array.Count, out var index) && index < array.Count:
                array.RemoveAt(index);
                break;
            default:
                // Cosmos DB fails a remove of a path that is not there; so do we, to behave alike.
                throw PathError(path, "does not exist, so it cannot be removed");
        }
    }

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;

    private static bool TryIndex(string segment, int count, out int index) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index <= count;

    private static DocumentStoreException PathError(string path, string problem) => new($"The patch path '{path}' {problem}.");
}
