using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Federation;

/// <summary>Two standalone instances on two loopback ports that federate with each other, and client-API helpers across them.</summary>
public sealed class TwoInstances : IAsyncDisposable
{
    private TwoInstances(StandaloneServer first, StandaloneServer second)
    {
        First = first;
        Second = second;
    }

    public StandaloneServer First { get; }

    public StandaloneServer Second { get; }

    /// <summary>Settings both instances run with: outbound requests to loopback allowed, retries quick.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["ALLOW_PRIVATE_ADDRESSES"] = "true",
        ["DELIVERY_FIRST_RETRY_SECONDS"] = "1",
    };

    public static Task<TwoInstances> StartAsync() => StartAsync(null);

    /// <summary>Starts both with <see cref="Settings"/> plus <paramref name="extra"/> (e.g. <c>AUTHORIZED_FETCH</c>).</summary>
    public static async Task<TwoInstances> StartAsync(IReadOnlyDictionary<string, string?>? extra)
    {
        Dictionary<string, string?> With()
        {
            var settings = Settings();
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            return settings;
        }

        var first = await StandaloneServer.StartAsync(With());
        try
        {
            return new TwoInstances(first, await StandaloneServer.StartAsync(With()));
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    public static string Handle(StandaloneServer server, string username) => $"{username}@127.0.0.1:{server.Port}";

    /// <summary>Finds a remote account by handle through <c>/api/v2/search?resolve=true</c> (WebFinger, then the actor), returning its local id.</summary>
    public static async Task<string> ResolveAsync(HttpClient client, string handle)
    {
        var results = await client.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={Uri.EscapeDataString("@" + handle)}&resolve=true&type=accounts");
        var account = Assert.Single(results!["accounts"]!.AsArray())!.AsObject();
        Assert.Equal(handle, account["acct"]!.GetValue<string>());
        return account["id"]!.GetValue<string>();
    }

    /// <summary>Finds a remote status by URL through search (resolving it), returning its local id.</summary>
    public static async Task<string?> ResolveStatusAsync(HttpClient client, string url)
    {
        var results = await client.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={Uri.EscapeDataString(url)}&resolve=true&type=statuses");
        return results!["statuses"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
    }

    public static async Task<JsonObject> RelationshipAsync(HttpClient client, string accountId)
    {
        var list = await client.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/relationships?id[]={accountId}");
        return list![0]!.AsObject();
    }

    public static async Task<JsonArray> TimelineAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonArray>(path))!;

    /// <summary>Waits until a timeline holds a status whose content contains <paramref name="text"/>, returning it.</summary>
    public static Task<JsonObject> WaitForStatusAsync(HttpClient client, string path, string text) =>
        StandaloneServer.EventuallyAsync(async () =>
            (await TimelineAsync(client, path)).OfType<JsonObject>().FirstOrDefault(s => (s["content"]?.GetValue<string>() ?? "").Contains(text, StringComparison.Ordinal)));

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
