using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Feeds;

/// <summary><c>unread_count</c> (v1 and v2) leaves out the senders the notification list hides.</summary>
public sealed class UnreadCountSafetyTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    private static async Task<int> CountAsync(HttpClient client, string version) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/{version}/notifications/unread_count"))!["count"]!.GetValue<int>();

    [Fact]
    public async Task Unread_count_drops_senders_the_viewer_blocks_or_mutes_with_notifications()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (dave, _) = await _server.SignUpAsync("dave");
        foreach (var follower in new[] { bob, carol, dave })
        {
            using var follow = await follower.PostAsync($"/api/v1/accounts/{Id(aliceAccount)}/follow", null);
            follow.EnsureSuccessStatusCode();
        }

        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "favourite me" });
        foreach (var fan in new[] { bob, carol, dave })
        {
            using var favourite = await fan.PostAsync($"/api/v1/statuses/{Id(post)}/favourite", null);
            favourite.EnsureSuccessStatusCode();
        }

        // Three follows and three favourites.
        await StandaloneServer.EventuallyAsync(async () => await CountAsync(alice, "v1") == 6 ? new object() : null);
        Assert.Equal(6, await CountAsync(alice, "v2"));

        using (var block = await alice.PostAsync($"/api/v1/accounts/{Id(bobAccount)}/block", null))
        {
            block.EnsureSuccessStatusCode();
        }

        Assert.Equal(4, await CountAsync(alice, "v1"));
        Assert.Equal(4, await CountAsync(alice, "v2"));

        // A mute that keeps notifications keeps them counted; one that hides them does not.
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{Id(carolAccount)}/mute", new JsonObject { ["notifications"] = false });
        Assert.Equal(4, await CountAsync(alice, "v1"));
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{Id(carolAccount)}/mute", new JsonObject { ["notifications"] = true });
        Assert.Equal(2, await CountAsync(alice, "v1"));
        Assert.Equal(2, await CountAsync(alice, "v2"));

        // The count agrees with the list.
        Assert.Equal(2, (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!.Count);
        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonObject>("/api/v1/notifications/unread_count?limit=1"))!["count"]!.GetValue<int>());
    }
}
