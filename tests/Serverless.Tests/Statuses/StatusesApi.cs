using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Statuses;

/// <summary>One standalone server shared by a test class; each test signs up its own users.</summary>
public sealed class StatusesServerFixture : IAsyncLifetime
{
    private int _users;

    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Signs up a user with a name unique on this server.</summary>
    public async Task<(HttpClient Client, string Id, string Username)> UserAsync(string name)
    {
        var username = $"{name}{Interlocked.Increment(ref _users)}";
        var (client, account) = await Server.SignUpAsync(username);
        return (client, account["id"]!.GetValue<string>(), username);
    }
}

/// <summary>HTTP helpers for the statuses tests: every call returns what a client would see.</summary>
internal static class StatusesApi
{
    public static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>A call that must answer <paramref name="expected"/>; returns the body.</summary>
    public static async Task<JsonNode> ExpectAsync(HttpClient client, HttpMethod method, string path, HttpStatusCode expected, JsonObject? body = null)
    {
        var (status, json, response) = await SendAsync(client, method, path, body);
        response.Dispose();
        Assert.True(status == expected, $"{method} {path} answered {(int)status}, expected {(int)expected}: {json?.ToJsonString()}");
        return json!;
    }

    public static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject? body = null) =>
        (await ExpectAsync(client, HttpMethod.Post, path, HttpStatusCode.OK, body)).AsObject();

    public static async Task<JsonObject> GetAsync(HttpClient client, string path) =>
        (await ExpectAsync(client, HttpMethod.Get, path, HttpStatusCode.OK)).AsObject();

    public static async Task<JsonArray> GetListAsync(HttpClient client, string path) =>
        (await ExpectAsync(client, HttpMethod.Get, path, HttpStatusCode.OK)).AsArray();

    public static Task<JsonObject> PostStatusAsync(HttpClient client, string text, string visibility = "public", string? inReplyToId = null) =>
        PostAsync(client, "/api/v1/statuses", new JsonObject { ["status"] = text, ["visibility"] = visibility, ["in_reply_to_id"] = inReplyToId });

    /// <summary>A status's error answer: the status code and Mastodon's <c>error</c> text.</summary>
    public static async Task<(HttpStatusCode Status, string? Error)> ErrorAsync(HttpClient client, HttpMethod method, string path, JsonObject? body = null)
    {
        var (status, json, response) = await SendAsync(client, method, path, body);
        response.Dispose();
        return (status, json?["error"]?.GetValue<string>());
    }

    /// <summary>The notifications stored for an account (read from the store, newest first).</summary>
    public static async Task<IReadOnlyList<NotificationRecord>> NotificationsAsync(StandaloneServer server, string accountId)
    {
        var store = server.Services.GetRequiredService<IDocumentStore>();
        var page = await store.QueryAsync(Containers.Notifications, new DocumentQuery(accountId) { Limit = 100 }, StoreJsonContext.Default.NotificationRecord, CancellationToken.None);
        return page.Items.Select(i => i.Value).ToList();
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
                var uri = new Uri(pieces[0].Trim().TrimStart('<').TrimEnd('>'));
                return uri.PathAndQuery;
            }
        }

        return null;
    }

    /// <summary>Ids of the statuses in a timeline page.</summary>
    public static async Task<IReadOnlyList<string>> TimelineIdsAsync(HttpClient client, string path) =>
        (await GetListAsync(client, path)).Select(Id).ToList();
}
