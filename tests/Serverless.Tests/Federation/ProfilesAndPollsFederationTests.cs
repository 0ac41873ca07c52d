using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>Profile updates and poll votes between two real instances, through the client API.</summary>
public sealed class ProfilesAndPollsFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_profile_update_reaches_the_followers_server()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");

        using (var update = await bob.PatchAsync("/api/v1/accounts/update_credentials", JsonContent.Create(new JsonObject
        {
            ["display_name"] = "Bob the Builder",
            ["note"] = "Fixing things since 1999",
            ["fields_attributes"] = new JsonObject { ["0"] = new JsonObject { ["name"] = "Trade", ["value"] = "Builder" } },
        })))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        var seen = await StandaloneServer.EventuallyAsync(async () =>
        {
            var account = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/{bobId}"))!;
            return account["display_name"]!.GetValue<string>() == "Bob the Builder" ? account : null;
        });
        Assert.Contains("Fixing things since 1999", seen["note"]!.GetValue<string>(), StringComparison.Ordinal);
        var field = Assert.Single(seen["fields"]!.AsArray())!;
        Assert.Equal("Trade", field["name"]!.GetValue<string>());
        Assert.Contains("Builder", field["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Handle(_pair.Second, "bob"), seen["acct"]!.GetValue<string>());
    }

    [Fact]
    public async Task Votes_from_the_other_server_are_counted_in_the_authors_poll()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");

        var single = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "Tea or coffee?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("Tea", "Coffee"), ["expires_in"] = 3600 },
        });
        var multiple = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "Which fruits?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("Apples", "Pears", "Plums"), ["expires_in"] = 3600, ["multiple"] = true },
        });

        var singleHere = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Tea or coffee?");
        var multipleHere = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Which fruits?");
        var voted = await StandaloneServer.PostJsonAsync(alice, $"/api/v1/polls/{singleHere["poll"]!["id"]!.GetValue<string>()}/votes", new JsonObject { ["choices"] = new JsonArray("1") });
        Assert.True(voted["voted"]!.GetValue<bool>());
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/polls/{multipleHere["poll"]!["id"]!.GetValue<string>()}/votes", new JsonObject { ["choices"] = new JsonArray("0", "2") });

        // Bob's server counts each vote: one voter, one vote per chosen option.
        var counted = await StandaloneServer.EventuallyAsync(async () =>
        {
            var poll = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/polls/{single["poll"]!["id"]!.GetValue<string>()}"))!;
            return poll["votes_count"]!.GetValue<long>() == 1 ? poll : null;
        });
        Assert.Equal([0L, 1L], counted["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));

        var countedMultiple = await StandaloneServer.EventuallyAsync(async () =>
        {
            var poll = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/polls/{multiple["poll"]!["id"]!.GetValue<string>()}"))!;
            return poll["votes_count"]!.GetValue<long>() == 2 ? poll : null;
        });
        Assert.Equal(1, countedMultiple["voters_count"]!.GetValue<long>());
        Assert.Equal([1L, 0L, 1L], countedMultiple["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));

        // A vote is not a status: nothing new on Bob's side but his own two posts.
        var bobAccount = (await bob.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!;
        Assert.Equal(2, bobAccount["statuses_count"]!.GetValue<long>());
        var context = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{single["id"]!.GetValue<string>()}/context"))!;
        Assert.Empty(context["descendants"]!.AsArray());
    }
}
