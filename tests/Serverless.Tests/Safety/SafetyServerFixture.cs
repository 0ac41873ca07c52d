using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Safety;

/// <summary>One standalone host shared by the safety tests of a class; each test signs up its own users.</summary>
public sealed class SafetyServerFixture : IAsyncLifetime
{
    private int _next;

    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Signs up a user with a name unique on this server.</summary>
    public async Task<(HttpClient Client, string Id, string Username)> UserAsync(string name)
    {
        var username = $"{name}{Interlocked.Increment(ref _next)}";
        var (client, account) = await Server.SignUpAsync(username);
        return (client, account["id"]!.GetValue<string>(), username);
    }
}

/// <summary>Client-side helpers of the safety tests.</summary>
internal static class SafetyClient
{
    public static Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject? body = null) =>
        StandaloneServer.PostJsonAsync(client, path, body ?? []);

    public static async Task<string> StatusAsync(HttpClient client, string text, string visibility = "public", string? inReplyToId = null)
    {
        var body = new JsonObject { ["status"] = text, ["visibility"] = visibility };
        if (inReplyToId is not null)
        {
            body["in_reply_to_id"] = inReplyToId;
        }

        return (await PostAsync(client, "/api/v1/statuses", body))["id"]!.GetValue<string>();
    }

    public static async Task<JsonArray> ArrayAsync(HttpClient client, string path) => (await client.GetFromJsonAsync<JsonArray>(path))!;

    public static async Task<JsonObject> RelationshipAsync(HttpClient client, string accountId) =>
        (await ArrayAsync(client, $"/api/v1/accounts/relationships?id[]={accountId}"))[0]!.AsObject();

    /// <summary>The contents of the statuses (and of what they reblog) a path lists.</summary>
    public static async Task<List<string>> TextsAsync(HttpClient client, string path) =>
        (await ArrayAsync(client, path)).OfType<JsonObject>()
            .Select(s => (s["reblog"] as JsonObject ?? s)["content"]!.GetValue<string>())
            .ToList();

    public static bool Has(IEnumerable<string> texts, string marker) => texts.Any(t => t.Contains(marker, StringComparison.Ordinal));

    /// <summary>Waits until the path lists a status containing <paramref name="marker"/> (fan-out is queued).</summary>
    public static Task WaitForAsync(HttpClient client, string path, string marker) =>
        StandaloneServer.EventuallyAsync(async () => Has(await TextsAsync(client, path), marker) ? "yes" : null);

    public static async Task<List<JsonObject>> NotificationsAsync(HttpClient client, string path = "/api/v1/notifications") =>
        (await ArrayAsync(client, path)).OfType<JsonObject>().ToList();
}
