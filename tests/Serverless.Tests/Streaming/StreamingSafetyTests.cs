using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Streaming.StreamClient;

namespace Serverless.Tests.Streaming;

/// <summary>What a viewer's mutes and blocks keep off their streams (the same rules as their timelines).</summary>
public sealed class StreamingSafetyTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Nothing_streams_from_a_muted_or_blocked_account()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (dave, daveAccount) = await _server.SignUpAsync("dave");
        foreach (var account in new[] { bobAccount, carolAccount, daveAccount })
        {
            await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{account["id"]}/follow", []);
        }

        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/mute", []);
        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=user");
        await stream.SubscribeAsync("public:local");
        await Task.Delay(200);

        // Carol is blocked after the connection opened: the connection's view refreshes.
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{carolAccount["id"]}/block", []);
        await Task.Delay(1200);
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Muted speaks" });
        await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "Blocked speaks @alice" });
        await StandaloneServer.PostJsonAsync(dave, "/api/v1/statuses", new JsonObject { ["status"] = "Friend speaks" });

        await stream.NextAsync(f => Stream(f) == "user" && Payload(f)?["content"]?.GetValue<string>().Contains("Friend speaks", StringComparison.Ordinal) == true);
        await stream.NextAsync(f => Stream(f) == "public:local" && Payload(f)?["content"]?.GetValue<string>().Contains("Friend speaks", StringComparison.Ordinal) == true);
        var seen = await stream.DrainAsync();
        Assert.DoesNotContain(seen, f => f.ToJsonString().Contains("speaks", StringComparison.Ordinal) && !f.ToJsonString().Contains("Friend speaks", StringComparison.Ordinal));
    }
}
