using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Accounts;

/// <summary>Small HTTP helpers for the accounts tests: calls that return status, body and headers, and <c>Link</c> parsing.</summary>
internal static class AccountsApi
{
    public static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>A GET that must answer 200 with a JSON array; returns it with the response (for headers).</summary>
    public static async Task<(JsonArray Items, HttpResponseMessage Response)> GetListAsync(HttpClient client, string path)
    {
        var (status, body, response) = await SendAsync(client, HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body?.ToJsonString()}");
        return (body!.AsArray(), response);
    }

    public static async Task<JsonObject> GetObjectAsync(HttpClient client, string path)
    {
        var (status, body, response) = await SendAsync(client, HttpMethod.Get, path);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body?.ToJsonString()}");
        return body!.AsObject();
    }

    /// <summary>A POST (JSON body, or none) that must answer 200.</summary>
    public static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject? body = null)
    {
        using var content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var (status, json, response) = await SendAsync(client, HttpMethod.Post, path, content);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"POST {path} answered {(int)status}: {json?.ToJsonString()}");
        return json!.AsObject();
    }

    public static async Task<JsonObject> PatchJsonAsync(HttpClient client, string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var (status, json, response) = await SendAsync(client, HttpMethod.Patch, path, content);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"PATCH {path} answered {(int)status}: {json?.ToJsonString()}");
        return json!.AsObject();
    }

    public static async Task<JsonObject> RelationshipAsync(HttpClient client, string accountId)
    {
        var (items, response) = await GetListAsync(client, $"/api/v1/accounts/relationships?id[]={accountId}");
        response.Dispose();
        return Assert.Single(items)!.AsObject();
    }

    /// <summary>The path and query of the <c>Link</c> URL with the given rel, or null.</summary>
    public static string? Link(HttpResponseMessage response, string rel)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var part in string.Join(',', values).Split(','))
        {
            var pieces = part.Split(';');
            if (pieces.Length == 2 && pieces[1].Trim() == $"rel=\"{rel}\"")
            {
                var url = new Uri(pieces[0].Trim().TrimStart('<').TrimEnd('>'));
                Assert.True(url.IsAbsoluteUri);
                return url.PathAndQuery;
            }
        }

        return null;
    }

    public static IReadOnlyList<string> IdsOf(JsonArray items) => items.Select(Id).ToList();

    /// <summary>The notifications stored for an account, read straight from the store, newest first.</summary>
    public static async Task<IReadOnlyList<NotificationRecord>> NotificationsAsync(StandaloneServer server, string accountId)
    {
        var store = server.Services.GetRequiredService<IDocumentStore>();
        var page = await store.QueryAsync(Containers.Notifications, new DocumentQuery(accountId) { Limit = 100 }, StoreJsonContext.Default.NotificationRecord, default);
        return page.Items.Select(i => i.Value).ToList();
    }

    /// <summary>Posts a status and waits until fan-out put it on the author's own timeline.</summary>
    public static async Task<JsonObject> PostStatusAsync(HttpClient author, string accountId, JsonObject status)
    {
        var posted = await PostAsync(author, "/api/v1/statuses", status);
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var (items, response) = await GetListAsync(author, $"/api/v1/accounts/{accountId}/statuses?limit=40");
            response.Dispose();
            return IdsOf(items).Contains(Id(posted)) ? items : null;
        });
        return posted;
    }
}
