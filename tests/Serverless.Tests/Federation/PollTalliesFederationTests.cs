using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>A local poll's counts reach its remote voters' servers in an <c>Update</c> of the <c>Question</c>, as Mastodon sends them.</summary>
public sealed class PollTalliesFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    // Votes are coalesced per window; a short one keeps the test quick.
    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync(new Dictionary<string, string?> { ["POLL_UPDATE_DELAY_SECONDS"] = "1" });

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_remote_voter_sees_the_votes_cast_after_its_own()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (carol, _) = await _pair.First.SignUpAsync("carol");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "Tea or coffee?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("Tea", "Coffee"), ["expires_in"] = 3600 },
        });
        var pollId = post["poll"]!["id"]!.GetValue<string>();

        // Bob (who does not follow Alice) finds the poll and votes in it.
        var copyId = await ResolveStatusAsync(bob, post["uri"]!.GetValue<string>());
        Assert.NotNull(copyId);
        var copyPollId = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{copyId}"))!["poll"]!["id"]!.GetValue<string>();
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/polls/{copyPollId}/votes", new JsonObject { ["choices"] = new JsonArray("0") });
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/polls/{pollId}"))!["votes_count"]!.GetValue<long>() == 1 ? "counted" : null);

        // Carol votes on Alice's server; Bob's server learns of it only from Alice's server.
        await StandaloneServer.PostJsonAsync(carol, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray("1") });
        var seen = await StandaloneServer.EventuallyAsync(async () =>
        {
            var poll = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/polls/{copyPollId}"))!;
            return poll["votes_count"]!.GetValue<long>() == 2 ? poll : null;
        });
        Assert.Equal([1L, 1L], seen["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));
        Assert.True(seen["voted"]!.GetValue<bool>());
    }
}
