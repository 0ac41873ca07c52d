using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Streaming;

namespace Serverless.Tests.Filters;

/// <summary>Filter changes reach the owner's user stream as <c>filters_changed</c>, as Mastodon's do.</summary>
public sealed class FiltersStreamingTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Creating_changing_and_deleting_a_filter_streams_filters_changed_to_its_owner_only()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        await using var aliceStream = await StreamClient.ConnectAsync(_server, StreamClient.TokenOf(alice), "stream=user");
        await using var bobStream = await StreamClient.ConnectAsync(_server, StreamClient.TokenOf(bob), "stream=user");

        var filter = await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject { ["title"] = "x", ["context"] = new JsonArray("home") });
        var frame = await aliceStream.NextAsync(f => f["event"]?.GetValue<string>() == "filters_changed");
        Assert.Equal("user", StreamClient.Stream(frame));

        await StandaloneServer.PostJsonAsync(alice, $"/api/v2/filters/{filter["id"]!.GetValue<string>()}/keywords", new JsonObject { ["keyword"] = "y" });
        await aliceStream.NextAsync(f => f["event"]?.GetValue<string>() == "filters_changed");
        using var deleted = await alice.DeleteAsync($"/api/v2/filters/{filter["id"]!.GetValue<string>()}");
        deleted.EnsureSuccessStatusCode();
        await aliceStream.NextAsync(f => f["event"]?.GetValue<string>() == "filters_changed");

        // Bob's stream got none of it: his own post arrives and nothing about filters came before it.
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "bobmarker" });
        await bobStream.NextStatusAsync("update", "bobmarker");
        Assert.DoesNotContain(await bobStream.DrainAsync(), f => f["event"]?.GetValue<string>() == "filters_changed");
    }
}
