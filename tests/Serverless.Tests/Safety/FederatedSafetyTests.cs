using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Federation;
using static Serverless.Tests.Federation.TwoInstances;
using static Serverless.Tests.Safety.SafetyClient;

namespace Serverless.Tests.Safety;

/// <summary>Blocks and user domain blocks across two federated instances.</summary>
public sealed class FederatedSafetyTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    /// <summary>Alice (first server) and Bob (second) follow each other; returns each one's id for the other.</summary>
    private async Task<(HttpClient Alice, string AliceName, HttpClient Bob, string BobIdAtFirst, string AliceIdAtSecond)> MutualFollowAsync()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        var aliceId = await ResolveAsync(bob, Handle(_pair.First, "alice"));
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow");
        await PostAsync(bob, $"/api/v1/accounts/{aliceId}/follow");
        await StandaloneServer.EventuallyAsync(async () => (await SafetyClient.RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? "yes" : null);
        await StandaloneServer.EventuallyAsync(async () => (await SafetyClient.RelationshipAsync(bob, aliceId))["following"]!.GetValue<bool>() ? "yes" : null);
        return (alice, "alice", bob, bobId, aliceId);
    }

    [Fact]
    public async Task A_block_is_federated_and_removes_the_follows_on_the_other_server_until_undone()
    {
        var (alice, _, bob, bobId, aliceId) = await MutualFollowAsync();

        var relationship = await PostAsync(alice, $"/api/v1/accounts/{bobId}/block");
        Assert.True(relationship["blocking"]!.GetValue<bool>());
        Assert.False(relationship["following"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());

        // Bob's server learns of the block: both follows are gone there and Bob sees blocked_by.
        var there = await StandaloneServer.EventuallyAsync(async () =>
        {
            var r = await SafetyClient.RelationshipAsync(bob, aliceId);
            return r["blocked_by"]!.GetValue<bool>() ? r : null;
        });
        Assert.False(there["following"]!.GetValue<bool>());
        Assert.False(there["followed_by"]!.GetValue<bool>());
        var bobAccount = (await bob.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!;
        Assert.Equal(0, bobAccount["following_count"]!.GetValue<long>());
        Assert.Equal(0, bobAccount["followers_count"]!.GetValue<long>());

        // There, Bob can't follow Alice again.
        using (var response = await bob.PostAsJsonAsync($"/api/v1/accounts/{aliceId}/follow", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Unblocking sends Undo Block.
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/unblock");
        await StandaloneServer.EventuallyAsync(async () => (await SafetyClient.RelationshipAsync(bob, aliceId))["blocked_by"]!.GetValue<bool>() ? null : "yes");
    }

    [Fact]
    public async Task A_domain_block_removes_that_domains_follows_and_hides_its_posts_and_notifications()
    {
        var (alice, aliceName, bob, bobId, aliceId) = await MutualFollowAsync();
        await StatusAsync(bob, "from the other server before the domain block");
        await WaitForAsync(alice, "/api/v1/timelines/home", "before the domain block");
        var domain = $"127.0.0.1:{_pair.Second.Port}";

        using (var response = await alice.PostAsJsonAsync("/api/v1/domain_blocks", new JsonObject { ["domain"] = domain }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        }

        var relationship = await SafetyClient.RelationshipAsync(alice, bobId);
        Assert.True(relationship["domain_blocking"]!.GetValue<bool>());
        Assert.False(relationship["following"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());
        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/home"), "before the domain block"));
        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/public?limit=40"), "before the domain block"));

        // The other server hears of it (Undo Follow, Reject Follow): Bob neither follows nor is followed by Alice there.
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var r = await SafetyClient.RelationshipAsync(bob, aliceId);
            return !r["following"]!.GetValue<bool>() && !r["followed_by"]!.GetValue<bool>() ? "yes" : null;
        });

        // A mention from that domain notifies nobody.
        await StatusAsync(bob, $"@{Handle(_pair.First, aliceName)} from a blocked domain");
        var (carol, _) = await _pair.First.SignUpAsync("carol");
        await StatusAsync(carol, $"@{aliceName} carol is the control");
        await StandaloneServer.EventuallyAsync(async () => (await NotificationsAsync(alice)).Any(n => n["type"]!.GetValue<string>() == "mention") ? "yes" : null);
        await Task.Delay(1000);
        Assert.DoesNotContain(await NotificationsAsync(alice), n => n["account"]!["id"]!.GetValue<string>() == bobId);

        using (var response = await alice.GetAsync("/api/v1/domain_blocks"))
        {
            Assert.Equal(domain, Assert.Single((await response.Content.ReadFromJsonAsync<JsonArray>())!)!.GetValue<string>());
            Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/domain_blocks") { Content = JsonContent.Create(new JsonObject { ["domain"] = domain }) })
        using (var response = await alice.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Empty(await ArrayAsync(alice, "/api/v1/domain_blocks"));
        Assert.False((await SafetyClient.RelationshipAsync(alice, bobId))["domain_blocking"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_domain_block_needs_a_domain()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        using var response = await alice.PostAsJsonAsync("/api/v1/domain_blocks", new JsonObject());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Validation failed: Domain can't be blank", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        using var bad = await alice.PostAsJsonAsync("/api/v1/domain_blocks", new JsonObject { ["domain"] = "not a/domain" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }
}
