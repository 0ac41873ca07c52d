using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Moderation;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>
/// Activities our own server does not send yet (Block, Flag, Move, an actor's Delete, Misskey's reaction,
/// an Update of poll results), sent signed by a real account of the second instance to the first, and
/// what the first instance's users then see.
/// </summary>
public sealed class SignedActivitiesFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_block_removes_the_follows_both_ways_and_its_undo_removes_the_block()
    {
        var (alice, aliceAccount) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        await InteractionsFederationTests.FollowAsync(bob, _pair.First, "alice");
        var before = await RelationshipAsync(alice, bobId);
        Assert.True(before["following"]!.GetValue<bool>());
        Assert.True(before["followed_by"]!.GetValue<bool>());

        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var blockId = bobActor.NewId("blocks");
        var aliceUri = $"http://127.0.0.1:{_pair.First.Port}/users/alice";
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = blockId, ["type"] = "Block", ["object"] = aliceUri }));

        await StandaloneServer.EventuallyAsync(async () =>
        {
            var relationship = await RelationshipAsync(alice, bobId);
            return !relationship["following"]!.GetValue<bool>() && !relationship["followed_by"]!.GetValue<bool>() ? relationship : null;
        });
        var counts = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!;
        Assert.Equal(0, counts["followers_count"]!.GetValue<long>());
        Assert.Equal(0, counts["following_count"]!.GetValue<long>());
        var follows = _pair.First.Services.GetRequiredService<FollowService>();
        var block = await follows.GetBlockAsync(bobId, aliceAccount["id"]!.GetValue<string>(), CancellationToken.None);
        Assert.Equal(blockId, block?.Uri);

        // Undo naming the Block by its id only.
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = blockId + "/undo", ["type"] = "Undo", ["object"] = blockId }));
        await StandaloneServer.EventuallyAsync(async () =>
            await follows.GetBlockAsync(bobId, aliceAccount["id"]!.GetValue<string>(), CancellationToken.None) is null ? "gone" : null);
    }

    [Fact]
    public async Task A_flag_becomes_a_report_of_the_local_account_and_its_statuses()
    {
        var (alice, aliceAccount) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var (_, carolAccount) = await _pair.Second.SignUpAsync("carol");
        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Something reportable" });
        var carolId = await ResolveAsync(alice, Handle(_pair.Second, "carol"));

        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var flagId = bobActor.NewId("flags");
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = flagId,
            ["type"] = "Flag",
            ["content"] = "Spam, plainly",
            ["object"] = new JsonArray($"http://127.0.0.1:{_pair.First.Port}/users/alice", post["uri"]!.GetValue<string>(), $"http://127.0.0.1:{_pair.Second.Port}/users/carol"),
        }));

        var reports = _pair.First.Services.GetRequiredService<ReportService>();
        var report = await StandaloneServer.EventuallyAsync(async () => (await reports.RecentAsync(10, CancellationToken.None)) is [var first, ..] ? first : null);
        Assert.Equal(aliceAccount["id"]!.GetValue<string>(), report.TargetAccountId);
        Assert.Equal([post["id"]!.GetValue<string>()], report.StatusIds);
        Assert.Equal("Spam, plainly", report.Comment);
        Assert.Equal(flagId, report.Uri);
        var reporter = await _pair.First.Services.GetRequiredService<AccountService>().GetAsync(report.AccountId, CancellationToken.None);
        Assert.Equal(bobActor.Uri, reporter!.Uri);

        // Carol is remote and none of her statuses reply to a local account: no report of her. A redelivery adds nothing.
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = flagId,
            ["type"] = "Flag",
            ["object"] = new JsonArray($"http://127.0.0.1:{_pair.First.Port}/users/alice"),
        }));
        await Task.Delay(300);
        var all = await reports.RecentAsync(10, CancellationToken.None);
        Assert.Single(all);
        Assert.DoesNotContain(all, r => r.TargetAccountId == carolId);
        _ = carolAccount;
    }

    [Fact]
    public async Task A_move_takes_local_followers_to_the_new_account_only_when_it_names_the_old_one()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var (_, newBobAccount) = await _pair.Second.SignUpAsync("newbob");
        await _pair.Second.SignUpAsync("stranger");
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var strangerUri = $"http://127.0.0.1:{_pair.Second.Port}/users/stranger";
        var newBobUri = $"http://127.0.0.1:{_pair.Second.Port}/users/newbob";

        // A target that does not name Bob in alsoKnownAs: nothing moves.
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = bobActor.NewId("moves"), ["type"] = "Move", ["object"] = bobActor.Uri, ["target"] = strangerUri }));

        // The new account names the old one, as Mastodon's account aliases do.
        var secondStore = _pair.Second.Services.GetRequiredService<IDocumentStore>();
        var newBobStoredId = newBobAccount["id"]!.GetValue<string>();
        var stored = await secondStore.ReadAsync(Containers.Accounts, newBobStoredId, newBobStoredId, Serverless.Core.Json.StoreJsonContext.Default.AccountRecord, CancellationToken.None);
        await secondStore.UpsertAsync(Containers.Accounts, newBobStoredId, newBobStoredId, stored!.Value with { AlsoKnownAs = [bobActor.Uri] }, Serverless.Core.Json.StoreJsonContext.Default.AccountRecord, null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = bobActor.NewId("moves"), ["type"] = "Move", ["object"] = bobActor.Uri, ["target"] = newBobUri }));

        var newBobId = await StandaloneServer.EventuallyAsync(async () =>
        {
            var account = await _pair.First.Services.GetRequiredService<AccountService>().FindByUriAsync(newBobUri, CancellationToken.None);
            return account is not null && (await RelationshipAsync(alice, account.Id))["following"]!.GetValue<bool>() ? account.Id : null;
        });
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? null : "unfollowed");
        var old = await _pair.First.Services.GetRequiredService<AccountService>().GetAsync(bobId, CancellationToken.None);
        Assert.Equal(newBobId, old!.MovedToAccountId);
        Assert.False((await RelationshipAsync(alice, await ResolveAsync(alice, Handle(_pair.Second, "stranger"))))["following"]!.GetValue<bool>());

        // The new account's server saw the follow; the old one's the unfollow.
        var secondAccounts = _pair.Second.Services.GetRequiredService<AccountService>();
        await StandaloneServer.EventuallyAsync(async () => (await secondAccounts.GetAsync(newBobStoredId, CancellationToken.None))!.FollowersCount == 1 ? "yes" : null);
        await StandaloneServer.EventuallyAsync(async () => (await secondAccounts.GetAsync(bobAccount["id"]!.GetValue<string>(), CancellationToken.None))!.FollowersCount == 0 ? "yes" : null);
    }

    [Fact]
    public async Task An_actor_deleting_itself_takes_its_statuses_follows_and_favourites_along()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        await InteractionsFederationTests.FollowAsync(bob, _pair.First, "alice");
        var alicePost = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Alice's own words" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Bob's first words" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Bob's last words" });
        var first = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Bob's first words");
        var last = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Bob's last words");
        var aliceOnSecond = await ResolveStatusAsync(bob, alicePost["uri"]!.GetValue<string>());
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{aliceOnSecond}/favourite", []);
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{alicePost["id"]!.GetValue<string>()}"))!["favourites_count"]!.GetValue<long>() == 1 ? "yes" : null);

        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = bobActor.Uri + "#delete",
            ["type"] = "Delete",
            ["object"] = bobActor.Uri,
            ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
        }));

        foreach (var id in new[] { first["id"]!.GetValue<string>(), last["id"]!.GetValue<string>() })
        {
            await StandaloneServer.EventuallyAsync(async () =>
            {
                using var response = await alice.GetAsync($"/api/v1/statuses/{id}");
                return response.StatusCode == HttpStatusCode.NotFound ? "gone" : null;
            });
        }

        await StandaloneServer.EventuallyAsync(async () =>
        {
            var relationship = await RelationshipAsync(alice, bobId);
            return !relationship["following"]!.GetValue<bool>() && !relationship["followed_by"]!.GetValue<bool>() ? "yes" : null;
        });
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{alicePost["id"]!.GetValue<string>()}"))!["favourites_count"]!.GetValue<long>() == 0 ? "yes" : null);
        Assert.DoesNotContain((await TimelineAsync(alice, "/api/v1/timelines/home")).OfType<JsonObject>(), s => s["content"]!.GetValue<string>().Contains("Bob's", StringComparison.Ordinal));
        var deleted = await _pair.First.Services.GetRequiredService<AccountService>().GetAsync(bobId, CancellationToken.None);
        Assert.NotNull(deleted!.SuspendedAt);

        // Its key is still known here, but nothing more of it is taken: a later post is dropped, another account's is not.
        var (_, carolAccount) = await _pair.Second.SignUpAsync("carol");
        var carolActor = await SignedActor.OfAsync(_pair.Second, carolAccount);
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, PublicCreate(bobActor, "Back from the dead")));
        Assert.Equal(HttpStatusCode.Accepted, await carolActor.SendAsync(_pair.First, PublicCreate(carolActor, "Carol was never gone")));
        await WaitForStatusAsync(alice, "/api/v1/timelines/public?remote=true", "Carol was never gone");
        await Task.Delay(300);
        Assert.DoesNotContain((await TimelineAsync(alice, "/api/v1/timelines/public?remote=true")).OfType<JsonObject>(), s => s["content"]!.GetValue<string>().Contains("Back from the dead", StringComparison.Ordinal));
    }

    private static JsonObject PublicCreate(SignedActor actor, string text)
    {
        var id = actor.NewId("statuses").Replace('#', '/');
        return new JsonObject
        {
            ["id"] = id + "/activity",
            ["type"] = "Create",
            ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
            ["object"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = "Note",
                ["attributedTo"] = actor.Uri,
                ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
                ["content"] = $"<p>{text}</p>",
                ["published"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    [Fact]
    public async Task Another_accounts_followers_only_status_cannot_be_announced()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var secret = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "For my followers", ["visibility"] = "private" });
        var open = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "For everyone" });
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        foreach (var post in new[] { secret, open })
        {
            Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
            {
                ["id"] = bobActor.NewId("announces"),
                ["type"] = "Announce",
                ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
                ["object"] = post["uri"]!.GetValue<string>(),
            }));
        }

        // The public one is reblogged (and processed after the other, which came first); the followers-only one is not.
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{open["id"]!.GetValue<string>()}"))!["reblogs_count"]!.GetValue<long>() == 1 ? "yes" : null);
        await Task.Delay(200);
        Assert.Equal(0, (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{secret["id"]!.GetValue<string>()}"))!["reblogs_count"]!.GetValue<long>());
        Assert.Equal("reblog", Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_misskey_reaction_counts_as_a_favourite_and_an_undo_by_id_takes_it_back()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "React to this" });
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var likeId = bobActor.NewId("likes");
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = likeId,
            ["type"] = "Like",
            ["object"] = post["uri"]!.GetValue<string>(),
            ["content"] = "👍",
            ["_misskey_reaction"] = "👍",
        }));

        var postId = post["id"]!.GetValue<string>();
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{postId}"))!["favourites_count"]!.GetValue<long>() == 1 ? "yes" : null);
        var notification = Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!)!;
        Assert.Equal("favourite", notification["type"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject { ["id"] = likeId + "/undo", ["type"] = "Undo", ["object"] = likeId }));
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{postId}"))!["favourites_count"]!.GetValue<long>() == 0 ? "yes" : null);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!);
    }

    [Fact]
    public async Task An_update_of_a_question_with_new_tallies_updates_the_poll_results_without_an_edit()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");
        await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        var poll = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "Cats or dogs?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("Cats", "Dogs"), ["expires_in"] = 3600 },
        });
        var arrived = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Cats or dogs?");

        // The poll's server tells of new tallies: the Question as it serves it, with votes counted elsewhere.
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        var question = await bobActor.FetchAsync(poll["uri"]!.GetValue<string>());
        question.Remove("@context");
        question["oneOf"]![0]!["replies"]!["totalItems"] = 3;
        question["oneOf"]![1]!["replies"]!["totalItems"] = 4;
        question["votersCount"] = 7;
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = bobActor.NewId("updates"),
            ["type"] = "Update",
            ["object"] = question,
        }));

        var pollId = arrived["poll"]!["id"]!.GetValue<string>();
        var results = await StandaloneServer.EventuallyAsync(async () =>
        {
            var current = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/polls/{pollId}"))!;
            return current["votes_count"]!.GetValue<long>() == 7 ? current : null;
        });
        Assert.Equal([3L, 4L], results["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));
        var status = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{arrived["id"]!.GetValue<string>()}"))!;
        Assert.Null(status["edited_at"]?.GetValue<string>());
        Assert.Single((await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{arrived["id"]!.GetValue<string>()}/history"))!);
    }
}
