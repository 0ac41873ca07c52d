using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serverless.Mastodon.Http;

/// <summary>
/// The one parameter reader: the query string and a JSON, form or multipart body become one tree,
/// so that <c>media_ids[]=1</c>, <c>{"media_ids":["1"]}</c>, <c>fields_attributes[0][name]=x</c> and
/// <c>"sensitive": "true"</c> all read the same way. Body values win over query values.
/// </summary>
public sealed class RequestParameters
{
    /// <summary>The largest JSON body read (statuses and profiles are far smaller; media goes as multipart).</summary>
    public const int MaxJsonBytes = 1024 * 1024;

    private readonly JsonObject _root;
    private readonly IFormFileCollection? _files;

    private RequestParameters(JsonObject root, IFormFileCollection? files)
    {
        _root = root;
        _files = files;
    }

    public static RequestParameters Empty { get; } = new([], null);

    public JsonObject Root => _root;

    /// <summary>Reads the query and, for requests with a body, the body. Malformed bodies raise a 400 <see cref="ApiException"/>.</summary>
    public static async Task<RequestParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = new JsonObject();
        foreach (var (key, values) in request.Query)
        {
            AddBracketed(root, key, values);
        }

        IFormFileCollection? files = null;
        var contentType = request.ContentType ?? "";
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                throw ApiException.BadRequest("The request body could not be read: " + ex.Message);
            }

            foreach (var (key, values) in form)
            {
                AddBracketed(root, key, values);
            }

            files = form.Files;
        }
        else if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            if (request.ContentLength > MaxJsonBytes)
            {
                throw new ApiException(413, "Request body too large");
            }

            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                throw ApiException.BadRequest("The request body is not valid JSON");
            }

            if (body is JsonObject obj)
            {
                foreach (var (key, value) in obj.ToList())
                {
                    obj.Remove(key);
                    root[key] = value;
                }
            }
            else if (body is not null)
            {
                throw ApiException.BadRequest("The request body must be a JSON object");
            }
        }

        return new RequestParameters(root, files);
    }

    public JsonNode? Get(string name) => _root.TryGetPropertyValue(name, out var node) ? node : null;

    public string? GetString(string name) => Get(name) switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        JsonArray array when array.Count > 0 => array[^1]?.ToString(),
        _ => null,
    };

    /// <summary>Mastodon's booleans: true, "true", "1", "on" are true; false, "false", "0", "off", "" are false.</summary>
    public bool? GetBool(string name)
    {
        var node = Get(name);
        if (node is JsonValue value && value.TryGetValue<bool>(out var b))
        {
            return b;
        }

        return GetString(name)?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "on" or "t" or "yes" => true,
            "false" or "0" or "off" or "f" or "no" or "" => false,
            _ => throw ApiException.Unprocessable($"Validation failed: {name} is not a boolean"),
        };
    }

    public int? GetInt(string name)
    {
        var text = GetString(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ApiException.Unprocessable($"Validation failed: {name} is not a number");
    }

    /// <summary>An array parameter, whether sent as <c>x[]=a&amp;x[]=b</c>, <c>x[0]=a</c>, a JSON array, or one plain value.</summary>
    public IReadOnlyList<string> GetStrings(string name) => Get(name) switch
    {
        null => [],
        JsonArray array => array.Where(n => n is not null).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n!.ToJsonString()).ToList(),
        JsonObject obj => obj.Select(p => p.Value?.ToString() ?? "").ToList(),
        JsonValue value => [value.TryGetValue<string>(out var s) ? s : value.ToJsonString()],
        _ => [],
    };

    public IFormFile? GetFile(string name) => _files?.GetFile(name);

    /// <summary>Adds a form or query key, expanding Rails-style brackets: <c>a[]</c>, <c>a[b]</c>, <c>a[0][b]</c>.</summary>
    private static void AddBracketed(JsonObject root, string key, StringValues values)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0)
        {
            root[key] = values.Count > 1 ? new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) : JsonValue.Create(values.ToString());
            return;
        }

        var path = new List<string> { key[..open] };
        var rest = key[open..];
        while (rest.Length > 0 && rest[0] == '[')
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            path.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        JsonNode container = root;
        for (var i = 0; i < path.Count; i++)
        {
            var segment = path[i];
            var last = i == path.Count - 1;
            var nextIsArray = !last && path[i + 1].Length == 0;
            if (container is JsonObject obj)
            {
                if (last)
                {
                    obj[segment] = JsonValue.Create(values.ToString());
                    return;
                }

                if (!obj.TryGetPropertyValue(segment, out var child) || child is null || (nextIsArray ? child is not JsonArray : child is not JsonObject))
                {
                    child = nextIsArray ? new JsonArray() : new JsonObject();
                    obj[segment] = child;
                }

                container = child;
            }
            else if (container is JsonArray array)
            {
                // "x[]" (the empty segment) collects every value.
                foreach (var v in values)
                {
                    array.Add(JsonValue.Create(v));
                }

                return;
            }
        }
    }
}
