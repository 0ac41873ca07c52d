using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>
/// Two real instances federating over loopback, driven only through the client API: what a person
/// on one server sees of a person on the other.
/// </summary>
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_remote_follow_is_accepted_then_posts_arrive_at_home_until_unfollowed()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");

        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        var requested = await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobId}/follow", []);
        Assert.Equal(bobId, requested["id"]!.GetValue<string>());

        // Bob's server accepts (he is not locked); the Accept turns the request into a follow.
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? "yes" : null);
        await StandaloneServer.EventuallyAsync(async () =>
            (await bob.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!["followers_count"]!.GetValue<long>() == 1 ? "yes" : null);

        // A public post and a followers-only post both reach Alice's home; the public one the federated timeline too.
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Hello from the second server #federation" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Only for my followers", ["visibility"] = "private" });
        var arrived = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Hello from the second server");
        Assert.Equal(Handle(_pair.Second, "bob"), arrived["account"]!["acct"]!.GetValue<string>());
        Assert.Equal("public", arrived["visibility"]!.GetValue<string>());
        Assert.Equal("federation", arrived["tags"]![0]!["name"]!.GetValue<string>());
        var privatePost = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Only for my followers");
        Assert.Equal("private", privatePost["visibility"]!.GetValue<string>());
        var federated = await WaitForStatusAsync(alice, "/api/v1/timelines/public?remote=true", "Hello from the second server");
        Assert.Equal(arrived["id"]!.GetValue<string>(), federated["id"]!.GetValue<string>());
        Assert.DoesNotContain((await TimelineAsync(alice, "/api/v1/timelines/public")).OfType<JsonObject>(), s => s["content"]!.GetValue<string>().Contains("Only for my followers", StringComparison.Ordinal));

        // Unfollowing reaches Bob's server; his next post is not delivered.
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobId}/unfollow", []);
        await StandaloneServer.EventuallyAsync(async () =>
            (await bob.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!["followers_count"]!.GetValue<long>() == 0 ? "yes" : null);
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "After the unfollow", ["visibility"] = "private" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Marker after the unfollow" });
        await WaitForStatusAsync(bob, "/api/v1/timelines/home", "Marker after the unfollow");
        await Task.Delay(500);
        Assert.DoesNotContain((await TimelineAsync(alice, "/api/v1/timelines/home")).OfType<JsonObject>(), s => s["content"]!.GetValue<string>().Contains("After the unfollow", StringComparison.Ordinal));
        _ = bobAccount;
    }

    [Fact]
    public async Task A_locked_account_answers_a_remote_follow_request_when_authorized()
    {
        var (alice, aliceAccount) = await _pair.First.SignUpAsync("alice");
        var (carol, _) = await _pair.Second.SignUpAsync("carol");
        using (var locked = await carol.PatchAsync("/api/v1/accounts/update_credentials", JsonContent.Create(new JsonObject { ["locked"] = true })))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        var carolId = await ResolveAsync(alice, Handle(_pair.Second, "carol"));
        var relationship = await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{carolId}/follow", []);
        Assert.True(relationship["requested"]!.GetValue<bool>());

        // Carol sees the request from Alice's account as her server knows it, and authorizes it.
        var request = await StandaloneServer.EventuallyAsync(async () => (await TimelineAsync(carol, "/api/v1/follow_requests")).OfType<JsonObject>().FirstOrDefault());
        Assert.Equal(Handle(_pair.First, "alice"), request["acct"]!.GetValue<string>());
        await StandaloneServer.PostJsonAsync(carol, $"/api/v1/follow_requests/{request["id"]!.GetValue<string>()}/authorize", []);

        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(alice, carolId))["following"]!.GetValue<bool>() ? "yes" : null);
        Assert.False((await RelationshipAsync(alice, carolId))["requested"]!.GetValue<bool>());
        _ = aliceAccount;
    }

    [Fact]
    public async Task A_newly_resolved_account_shows_its_recent_public_posts()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        for (var i = 1; i <= 3; i++)
        {
            await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = $"Earlier post {i}" });
        }

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Earlier private post", ["visibility"] = "private" });

        // Resolving Bob pulls his outbox in the background: his public posts fill his profile here.
        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        var statuses = await StandaloneServer.EventuallyAsync(async () =>
        {
            var list = await TimelineAsync(alice, $"/api/v1/accounts/{bobId}/statuses");
            return list.Count >= 3 ? list : null;
        });
        // Remote ids come from `published`, which has whole seconds: posts of the same second may come in any order.
        Assert.Equal(["Earlier post 1", "Earlier post 2", "Earlier post 3"], statuses.Select(s => System.Text.RegularExpressions.Regex.Replace(s!["content"]!.GetValue<string>(), "<[^>]+>", "")).Order(StringComparer.Ordinal).ToArray());
        Assert.All(statuses, s => Assert.Equal("public", s!["visibility"]!.GetValue<string>()));

        // The profile counts what Bob's own server counts (four posts, the private one included).
        var profile = await StandaloneServer.EventuallyAsync(async () =>
        {
            var account = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/{bobId}");
            return account!["statuses_count"]!.GetValue<long>() == 4 ? account : null;
        });
        Assert.Equal(0, profile["followers_count"]!.GetValue<long>());
    }
}
