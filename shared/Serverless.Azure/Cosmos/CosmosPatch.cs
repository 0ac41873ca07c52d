using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Storage;
using CosmosPatchOperation = Microsoft.Azure.Cosmos.PatchOperation;

namespace Serverless.Azure.Cosmos;

/// <summary>
/// Patch operations of the port, on Cosmos DB. They go to the service as a native patch under
/// <c>/doc</c>. Cosmos refuses a patch that has to create a missing parent (<c>/counts/replies</c>
/// when there is no <c>counts</c> yet), which the port allows; for that case the store applies the
/// operations here to the read document and replaces it under its ETag.
/// </summary>
internal static class CosmosPatch
{
    public const int MaxOperations = 10;

    /// <summary>Rejects, before any request, what the port (and Cosmos DB) rejects.</summary>
    public static void Validate(IReadOnlyList<PatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxOperations)
        {
            throw new ArgumentException($"A patch has 1 to {MaxOperations} operations (Cosmos DB's limit); got {operations.Count}.", nameof(operations));
        }

        foreach (var operation in operations)
        {
            ArgumentNullException.ThrowIfNull(operation, nameof(operations));
            var segments = Segments(operation.Path);
            if (segments.Length == 1 && segments[0] is "id" or "pk")
            {
                throw new ArgumentException($"The path '{operation.Path}' names the document's id or partition key, which a patch cannot change.", nameof(operations));
            }

            if (operation.Type == PatchOperationType.Increment && !IsNumber(operation.Value))
            {
                throw new ArgumentException($"Increment of '{operation.Path}' needs a number.", nameof(operations));
            }

            if (operation.Type is not (PatchOperationType.Set or PatchOperationType.Increment or PatchOperationType.Remove))
            {
                throw new ArgumentOutOfRangeException(nameof(operations), operation.Type, "Unknown patch operation.");
            }
        }
    }

    /// <summary>The same operations as Cosmos DB operations on the item, whose record is under <c>/doc</c>.</summary>
    public static List<CosmosPatchOperation> ToCosmos(IReadOnlyList<PatchOperation> operations)
    {
        var result = new List<CosmosPatchOperation>(operations.Count);
        foreach (var operation in operations)
        {
            var path = "/" + CosmosContainers.DocumentProperty + operation.Path;
            result.Add(operation.Type switch
            {
                PatchOperationType.Set => CosmosPatchOperation.Set(path, operation.Value?.DeepClone()),
                PatchOperationType.Remove => CosmosPatchOperation.Remove(path),
                _ => TryLong(operation.Value!, out var by)
                    ? CosmosPatchOperation.Increment(path, by)
                    : CosmosPatchOperation.Increment(path, AsDouble(operation.Value!)),
            });
        }

        return result;
    }

    /// <summary>
    /// A patch condition that holds when every object a Set or Increment writes into exists
    /// already (<c>IS_DEFINED(c.doc["counts"])</c> for <c>/counts/replies</c>); null when every
    /// operation is on a top-level field. Parents reached through array indexes are left to the
    /// service, which refuses a missing element (400) by itself.
    /// </summary>
    public static string? ParentsPredicate(IReadOnlyList<PatchOperation> operations)
    {
        var parents = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            var segments = Segments(operation.Path);
            if (operation.Type == PatchOperationType.Remove || segments.Length < 2)
            {
                continue;
            }

            var parent = segments[..^1];
            if (parent.Any(s => Index(s) is not null || s.AsSpan().IndexOfAny('"', '\\') >= 0))
            {
                continue;
            }

            parents.Add("IS_DEFINED(c." + CosmosContainers.DocumentProperty + string.Concat(parent.Select(s => "[\"" + s + "\"]")) + ")");
        }

        return parents.Count == 0 ? null : "FROM c WHERE " + string.Join(" AND ", parents);
    }

    /// <summary>Applies the operations to a record in memory, with the port's semantics; throws <see cref="DocumentStoreException"/> where Cosmos would answer 400.</summary>
    public static void Apply(JsonObject document, IReadOnlyList<PatchOperation> operations)
    {
        foreach (var operation in operations)
        {
            var segments = Segments(operation.Path);
            var last = segments[^1];
            switch (operation.Type)
            {
                case PatchOperationType.Set:
                    Set(Walk(document, segments, operation.Path, create: true), last, operation.Path, operation.Value?.DeepClone());
                    break;
                case PatchOperationType.Increment:
                    var parent = Walk(document, segments, operation.Path, create: true) as JsonObject
                        ?? throw Invalid(operation.Path, "does not name an object member");
                    parent[last] = Add(parent[last], operation.Value!, operation.Path);
                    break;
                default:
                    Remove(Walk(document, segments, operation.Path, create: false), last, operation.Path);
                    break;
            }
        }
    }

    private static void Set(JsonNode? parent, string last, string path, JsonNode? value)
    {
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when Index(last) is { } index && index <= array.Count:
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
                throw Invalid(path, "does not name an object member or array element");
        }
    }

    private static JsonNode Add(JsonNode? current, JsonNode by, string path)
    {
        if (current is null)
        {
            return by.DeepClone();
        }

        if (!IsNumber(current))
        {
            throw Invalid(path, "is not a number, so it cannot be incremented");
        }

        return TryLong(current, out var a) && TryLong(by, out var b)
            ? JsonValue.Create(checked(a + b))
            : JsonValue.Create(AsDouble(current) + AsDouble(by));
    }

    private static void Remove(JsonNode? parent, string last, string path)
    {
        if (parent is JsonObject obj && obj.Remove(last))
        {
            return;
        }

        if (parent is JsonArray array && Index(last) is { } index && index < array.Count)
        {
            array.RemoveAt(index);
            return;
        }

        throw Invalid(path, "does not exist, so it cannot be removed");
    }

    /// <summary>The node holding the last segment; objects on the way are created when asked.</summary>
    private static JsonNode? Walk(JsonObject document, string[] segments, string path, bool create)
    {
        JsonNode current = document;
        foreach (var segment in segments.AsSpan(0, segments.Length - 1))
        {
            JsonNode? next = current switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when Index(segment) is { } index && index < array.Count => array[index] ?? throw Invalid(path, "crosses a null array element"),
                _ => throw Invalid(path, "does not lead through objects"),
            };
            if (next is null)
            {
                if (!create)
                {
                    return null;
                }

                next = new JsonObject();
                ((JsonObject)current)[segment] = next;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Splits a JSON Pointer such as <c>/counts/replies</c>, undoing <c>~1</c> and <c>~0</c>.</summary>
    private static string[] Segments(string path)
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

    private static int? Index(string segment) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    private static bool IsNumber(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number;

    private static bool TryLong(JsonNode node, out long value) =>
        long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static double AsDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static DocumentStoreException Invalid(string path, string problem) => new($"The patch path '{path}' {problem}.");
}
