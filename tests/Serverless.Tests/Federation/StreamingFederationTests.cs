using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Streaming;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>A post on one instance reaches a follower's open user stream on the other, through delivery, ingest and fan-out.</summary>
public sealed class StreamingFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_remote_post_streams_to_the_local_followers_user_stream()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobId}/follow", []);
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? "yes" : null);

        await using var stream = await StreamClient.ConnectAsync(_pair.First, StreamClient.TokenOf(alice), "stream=user");
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Across the federation", ["visibility"] = "private" });

        var update = await stream.NextStatusAsync("update", "Across the federation");
        var status = StreamClient.Payload(update)!;
        Assert.Equal(Handle(_pair.Second, "bob"), status["account"]!["acct"]!.GetValue<string>());
        Assert.Equal(bobId, status["account"]!["id"]!.GetValue<string>());
        Assert.Equal("private", status["visibility"]!.GetValue<string>());
    }
}
