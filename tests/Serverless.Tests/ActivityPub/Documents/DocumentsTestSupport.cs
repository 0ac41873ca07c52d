using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.ActivityPub.Documents;

/// <summary>Fetching documents the way peers do: an ActivityPub <c>Accept</c>, no redirects followed.</summary>
internal static class Fetch
{
    public const string ActivityJson = "application/activity+json";
    public const string LdJson = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
    public const string Public = "https://www.w3.org/ns/activitystreams#Public";

    public static HttpClient Peer(StandaloneServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress };

    public static async Task<(HttpStatusCode Status, JsonObject? Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string pathOrUrl, string accept = ActivityJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathOrUrl);
        request.Headers.Accept.ParseAdd(accept);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null;
        return (response.StatusCode, body, response);
    }

    /// <summary>A document that must be there: 200, <c>application/activity+json</c>.</summary>
    public static async Task<JsonObject> DocumentAsync(HttpClient client, string pathOrUrl, string accept = ActivityJson)
    {
        var (status, body, response) = await GetAsync(client, pathOrUrl, accept);
        using (response)
        {
            Assert.True(status == HttpStatusCode.OK, $"GET {pathOrUrl} answered {(int)status}");
            Assert.Equal(ActivityJson, response.Content.Headers.ContentType!.MediaType);
            return body!;
        }
    }

    public static IReadOnlyList<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!.GetValue<string>()).ToList(),
        _ => [node.GetValue<string>()],
    };

    public static string Str(JsonNode? node) => node!.GetValue<string>();

    public static async Task<JsonObject> PostStatusAsync(HttpClient client, JsonObject body) =>
        await StandaloneServer.PostJsonAsync(client, "/api/v1/statuses", body);

    public static async Task<JsonObject> PatchAsync(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PatchAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static Task<JsonObject> PatchJsonAsync(HttpClient client, string path, JsonObject body) =>
        PatchAsync(client, path, JsonContent.Create(body));

    public static async Task<JsonObject> UploadAsync(HttpClient client, byte[] file, string fileName, string contentType, Dictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, "file", fileName);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        using var response = await client.PostAsync("/api/v2/media", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"upload answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Walks a collection as peers do: <c>first</c>, then <c>next</c> until there is none; returns every item.</summary>
    public static async Task<List<JsonNode>> WalkAsync(HttpClient client, JsonObject collection, int maxPages = 20)
    {
        var items = new List<JsonNode>();
        var first = collection["first"];
        JsonObject? page = first switch
        {
            null => null,
            JsonObject inline => inline,
            _ => await DocumentAsync(client, first.GetValue<string>()),
        };
        for (var pages = 0; page is not null; pages++)
        {
            Assert.True(pages < maxPages, "The collection does not end.");
            var pageItems = page["orderedItems"] ?? page["items"];
            items.AddRange(pageItems!.AsArray().Select(i => i!));
            page = page["next"] is { } next ? await DocumentAsync(client, next.GetValue<string>()) : null;
        }

        return items;
    }
}
