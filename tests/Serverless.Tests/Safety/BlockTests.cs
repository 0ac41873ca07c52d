using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Safety.SafetyClient;

namespace Serverless.Tests.Safety;

/// <summary>Blocking through the client API, and what both sides then see on every read path.</summary>
public sealed class BlockTests(SafetyServerFixture fixture) : IClassFixture<SafetyServerFixture>
{
    [Fact]
    public async Task A_block_ends_follows_both_ways_and_hides_each_side_from_the_other()
    {
        var (alice, aliceId, aliceName) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow");
        await PostAsync(bob, $"/api/v1/accounts/{aliceId}/follow");
        await PostAsync(carol, $"/api/v1/accounts/{aliceId}/follow");

        await StatusAsync(bob, "bob before the block #blocktag");
        await WaitForAsync(alice, "/api/v1/timelines/home", "bob before the block");
        var alicePost = await StatusAsync(alice, "alice own post #blocktag");
        var carolThread = await StatusAsync(carol, "carol starts a thread");
        await StatusAsync(bob, "bob replies in carol's thread", inReplyToId: carolThread);
        await StatusAsync(alice, "alice replies in carol's thread", inReplyToId: carolThread);

        var relationship = await PostAsync(alice, $"/api/v1/accounts/{bobId}/block");
        Assert.True(relationship["blocking"]!.GetValue<bool>());
        Assert.False(relationship["following"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());
        var fromBob = await RelationshipAsync(bob, aliceId);
        Assert.True(fromBob["blocked_by"]!.GetValue<bool>());
        Assert.False(fromBob["blocking"]!.GetValue<bool>());
        Assert.False(fromBob["following"]!.GetValue<bool>());

        // The blocker no longer sees the blocked account anywhere a feed reaches.
        var bobAfter = await StatusAsync(bob, "bob after the block #blocktag");
        await StatusAsync(carol, $"carol boosts nothing but posts #blocktag");
        await WaitForAsync(alice, "/api/v1/timelines/public?local=true&limit=40", "carol boosts nothing");
        foreach (var path in new[] { "/api/v1/timelines/home", "/api/v1/timelines/public?limit=40", "/api/v1/timelines/public?local=true&limit=40", "/api/v1/timelines/tag/blocktag" })
        {
            var texts = await TextsAsync(alice, path);
            Assert.False(Has(texts, "bob before the block") || Has(texts, "bob after the block") || Has(texts, "bob replies in"), path);
        }

        Assert.True(Has(await TextsAsync(alice, "/api/v1/timelines/tag/blocktag"), "alice own post"));
        var context = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{carolThread}/context"))!;
        var descendants = context["descendants"]!.AsArray().Select(s => s!["content"]!.GetValue<string>()).ToList();
        Assert.True(Has(descendants, "alice replies"));
        Assert.False(Has(descendants, "bob replies"));

        // Anyone else still sees bob.
        Assert.True(Has(await TextsAsync(carol, "/api/v1/timelines/public?local=true&limit=40"), "bob after the block"));

        // The blocked account can't see the blocker's statuses, alone or in a thread, nor her profile's statuses.
        using (var response = await bob.GetAsync($"/api/v1/statuses/{alicePost}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var response = await bob.GetAsync($"/api/v1/statuses/{alicePost}/context"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Empty(await ArrayAsync(bob, $"/api/v1/accounts/{aliceId}/statuses"));
        var bobsPublic = await TextsAsync(bob, "/api/v1/timelines/public?limit=40");
        Assert.False(Has(bobsPublic, "alice own post") || Has(bobsPublic, "alice replies in"));
        var bobsContext = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{carolThread}/context"))!;
        Assert.DoesNotContain(bobsContext["descendants"]!.AsArray(), s => s!["content"]!.GetValue<string>().Contains("alice replies", StringComparison.Ordinal));

        // The blocker may still open a status of the blocked account by id, as in Mastodon.
        using (var response = await alice.GetAsync($"/api/v1/statuses/{bobAfter}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The blocked account can't follow again.
        using (var response = await bob.PostAsJsonAsync($"/api/v1/accounts/{aliceId}/follow", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("This action is not allowed", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }

        // Mentions and favourites from the blocked account notify nobody; carol's do (the control).
        await StatusAsync(bob, $"@{aliceName} are you there?");
        using (var response = await bob.PostAsJsonAsync($"/api/v1/statuses/{alicePost}/favourite", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await StatusAsync(carol, $"@{aliceName} hello from carol");
        await StandaloneServer.EventuallyAsync(async () => (await NotificationsAsync(alice)).Any(n => n["type"]!.GetValue<string>() == "mention") ? "yes" : null);
        var notifications = await NotificationsAsync(alice);
        Assert.DoesNotContain(notifications, n => n["account"]!["id"]!.GetValue<string>() == bobId);
        var grouped = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/notifications"))!;
        Assert.DoesNotContain(grouped["accounts"]!.AsArray(), a => a!["id"]!.GetValue<string>() == bobId);

        // The blocks list, with Link paging.
        using (var response = await alice.GetAsync("/api/v1/blocks"))
        {
            response.EnsureSuccessStatusCode();
            Assert.Equal(bobId, Assert.Single((await response.Content.ReadFromJsonAsync<JsonArray>())!)!["id"]!.GetValue<string>());
            Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        }

        // Unblocking restores visibility (not the follows).
        var unblocked = await PostAsync(alice, $"/api/v1/accounts/{bobId}/unblock");
        Assert.False(unblocked["blocking"]!.GetValue<bool>());
        Assert.False(unblocked["following"]!.GetValue<bool>());
        Assert.Empty(await ArrayAsync(alice, "/api/v1/blocks"));
        Assert.True(Has(await TextsAsync(alice, "/api/v1/timelines/public?local=true&limit=40"), "bob after the block"));
        using (var response = await bob.GetAsync($"/api/v1/statuses/{alicePost}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_block_hides_favourited_by_search_and_conversations()
    {
        var (alice, aliceId, aliceName) = await fixture.UserAsync("alice");
        var (bob, bobId, bobName) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");
        var post = await StatusAsync(alice, "a post to favourite");
        await PostAsync(bob, $"/api/v1/statuses/{post}/favourite");
        await PostAsync(carol, $"/api/v1/statuses/{post}/favourite");
        await StatusAsync(bob, $"@{aliceName} a direct word", visibility: "direct");
        await StandaloneServer.EventuallyAsync(async () => (await ArrayAsync(alice, "/api/v1/conversations")).Count > 0 ? "yes" : null);
        await PostAsync(alice, $"/api/v1/statuses/{post}/bookmark");

        await PostAsync(alice, $"/api/v1/accounts/{bobId}/block");

        var favouritedBy = await ArrayAsync(alice, $"/api/v1/statuses/{post}/favourited_by");
        Assert.Single(favouritedBy);
        Assert.DoesNotContain(favouritedBy, a => a!["id"]!.GetValue<string>() == bobId);
        Assert.Empty(await ArrayAsync(alice, "/api/v1/conversations"));
        Assert.Single(await ArrayAsync(alice, "/api/v1/bookmarks"));

        // Bob can't find alice (she blocks him); alice can still find bob (to unblock him).
        var bobSearch = (await bob.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={aliceName}&type=accounts"))!;
        Assert.Empty(bobSearch["accounts"]!.AsArray());
        var aliceSearch = (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={bobName}&type=accounts"))!;
        Assert.Single(aliceSearch["accounts"]!.AsArray());
        using var favouritedByBob = await bob.GetAsync($"/api/v1/statuses/{post}/favourited_by");
        Assert.Equal(HttpStatusCode.NotFound, favouritedByBob.StatusCode);
        _ = aliceId;
    }

    [Fact]
    public async Task Block_endpoints_check_the_account_and_the_scopes()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        using (var response = await alice.PostAsJsonAsync("/api/v1/accounts/999999999/block", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("Record not found", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }

        var (reader, _) = await fixture.Server.SignUpAsync("readeronly" + Guid.NewGuid().ToString("N")[..6], "read write:accounts");
        var (_, bobId, _) = await fixture.UserAsync("bob");
        using (var response = await reader.PostAsJsonAsync($"/api/v1/accounts/{bobId}/block", new JsonObject()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var response = await reader.GetAsync("/api/v1/blocks"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var anonymous = await fixture.Server.Client.GetAsync("/api/v1/blocks");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
