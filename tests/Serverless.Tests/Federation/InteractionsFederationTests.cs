using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>
/// Favourites, reblogs, replies, edits and deletes between two real instances, driven through the
/// client API: what the author's server shows of what people on the other server did.
/// </summary>
public sealed class InteractionsFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_remote_favourite_and_reblog_notify_the_author_reach_followers_and_can_be_undone()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (carol, _) = await _pair.First.SignUpAsync("carol");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");

        // Carol (on Alice's server) follows Bob, so that his reblogs reach her home.
        var bobOnFirst = await ResolveAsync(carol, Handle(_pair.Second, "bob"));
        await StandaloneServer.PostJsonAsync(carol, $"/api/v1/accounts/{bobOnFirst}/follow", []);
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(carol, bobOnFirst))["following"]!.GetValue<bool>() ? "yes" : null);

        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Worth sharing across servers" });
        var postId = post["id"]!.GetValue<string>();
        var onSecond = await ResolveStatusAsync(bob, post["uri"]!.GetValue<string>());
        Assert.NotNull(onSecond);

        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{onSecond}/favourite", []);
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{onSecond}/reblog", []);

        // Alice's server counts both, lists Bob, and notifies her.
        var counted = await StandaloneServer.EventuallyAsync(async () =>
        {
            var status = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{postId}"))!;
            return status["favourites_count"]!.GetValue<long>() == 1 && status["reblogs_count"]!.GetValue<long>() == 1 ? status : null;
        });
        Assert.Equal(postId, counted["id"]!.GetValue<string>());
        var favouritedBy = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{postId}/favourited_by"))!;
        Assert.Equal(Handle(_pair.Second, "bob"), Assert.Single(favouritedBy)!["acct"]!.GetValue<string>());
        var rebloggedBy = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{postId}/reblogged_by"))!;
        Assert.Equal(Handle(_pair.Second, "bob"), Assert.Single(rebloggedBy)!["acct"]!.GetValue<string>());

        var notifications = await StandaloneServer.EventuallyAsync(async () =>
        {
            var list = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!;
            return list.Count >= 2 ? list : null;
        });
        Assert.Equal(["favourite", "reblog"], notifications.Select(n => n!["type"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(notifications, n =>
        {
            Assert.Equal(Handle(_pair.Second, "bob"), n!["account"]!["acct"]!.GetValue<string>());
            Assert.Equal(postId, n["status"]!["id"]!.GetValue<string>());
        });

        // The reblog reaches Carol's home as Bob's reblog of Alice's post.
        var atHome = await StandaloneServer.EventuallyAsync(async () =>
            (await TimelineAsync(carol, "/api/v1/timelines/home")).OfType<JsonObject>().FirstOrDefault(s => s["reblog"] is JsonObject));
        Assert.Equal(Handle(_pair.Second, "bob"), atHome["account"]!["acct"]!.GetValue<string>());
        Assert.Equal(postId, atHome["reblog"]!["id"]!.GetValue<string>());

        // Undone on Bob's server, undone on Alice's: counts, lists, notifications and Carol's home.
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{onSecond}/unfavourite", []);
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{onSecond}/unreblog", []);
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var status = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{postId}"))!;
            return status["favourites_count"]!.GetValue<long>() == 0 && status["reblogs_count"]!.GetValue<long>() == 0 ? status : null;
        });
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{postId}/favourited_by"))!);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{postId}/reblogged_by"))!);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!);
        await StandaloneServer.EventuallyAsync(async () =>
            (await TimelineAsync(carol, "/api/v1/timelines/home")).OfType<JsonObject>().Any(s => s["reblog"] is JsonObject) ? null : "gone");
    }

    [Fact]
    public async Task A_followed_account_reblogging_an_unknown_status_brings_it_home_and_its_own_private_reblog_stays_private()
    {
        var (carol, _) = await _pair.First.SignUpAsync("carol");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        var (dave, _) = await _pair.Second.SignUpAsync("dave");
        await FollowAsync(carol, _pair.Second, "bob");

        // Dave's post never reached the first server; Bob's reblog of it brings it there.
        var post = await StandaloneServer.PostJsonAsync(dave, "/api/v1/statuses", new JsonObject { ["status"] = "Dave's thoughts, unseen so far" });
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{post["id"]!.GetValue<string>()}/reblog", []);
        var reblog = await StandaloneServer.EventuallyAsync(async () =>
            (await TimelineAsync(carol, "/api/v1/timelines/home")).OfType<JsonObject>().FirstOrDefault(s => s["reblog"] is JsonObject));
        Assert.Equal(Handle(_pair.Second, "bob"), reblog["account"]!["acct"]!.GetValue<string>());
        Assert.Equal(Handle(_pair.Second, "dave"), reblog["reblog"]!["account"]!["acct"]!.GetValue<string>());
        Assert.Contains("Dave's thoughts", reblog["reblog"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(post["uri"]!.GetValue<string>(), reblog["reblog"]!["uri"]!.GetValue<string>());

        // Bob's reblog of his own followers-only post reaches his followers, and stays followers-only.
        var own = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Followers only, mine", ["visibility"] = "private" });
        await WaitForStatusAsync(carol, "/api/v1/timelines/home", "Followers only, mine");
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{own["id"]!.GetValue<string>()}/reblog", []);
        var selfReblog = await StandaloneServer.EventuallyAsync(async () =>
            (await TimelineAsync(carol, "/api/v1/timelines/home")).OfType<JsonObject>().FirstOrDefault(s => s["reblog"]?["uri"]?.GetValue<string>() == own["uri"]!.GetValue<string>()));
        Assert.Equal("private", selfReblog["visibility"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_edit_arrives_as_an_update_with_history_and_a_delete_removes_the_post()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");
        await FollowAsync(alice, _pair.Second, "bob");

        var post = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "First draft #drafts" });
        var arrived = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "First draft");
        var id = arrived["id"]!.GetValue<string>();
        Assert.Null(arrived["edited_at"]?.GetValue<string>());

        using (var edit = await bob.PutAsJsonAsync($"/api/v1/statuses/{post["id"]!.GetValue<string>()}", new JsonObject { ["status"] = "Second draft, better #drafts", ["spoiler_text"] = "edited" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var edited = await StandaloneServer.EventuallyAsync(async () =>
        {
            var status = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{id}"))!;
            return status["content"]!.GetValue<string>().Contains("Second draft", StringComparison.Ordinal) ? status : null;
        });
        Assert.NotNull(edited["edited_at"]?.GetValue<string>());
        Assert.Equal("edited", edited["spoiler_text"]!.GetValue<string>());
        Assert.Equal(id, edited["id"]!.GetValue<string>());

        var history = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/statuses/{id}/history"))!;
        Assert.Equal(2, history.Count);
        Assert.Contains("First draft", history[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Second draft", history[1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("edited", history[1]!["spoiler_text"]!.GetValue<string>());

        // Bob deletes it: gone on Alice's server too, from the API and from her home.
        using (var delete = await bob.DeleteAsync($"/api/v1/statuses/{post["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        await StandaloneServer.EventuallyAsync(async () =>
        {
            using var response = await alice.GetAsync($"/api/v1/statuses/{id}");
            return response.StatusCode == HttpStatusCode.NotFound ? "gone" : null;
        });
        Assert.DoesNotContain((await TimelineAsync(alice, "/api/v1/timelines/home")).OfType<JsonObject>(), s => s["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_reply_from_the_other_server_shows_in_the_context_on_both_sides()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");

        var question = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Anyone out there?" });
        var questionOnFirst = await ResolveStatusAsync(alice, question["uri"]!.GetValue<string>());
        Assert.NotNull(questionOnFirst);

        var reply = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject
        {
            ["status"] = $"@{Handle(_pair.Second, "bob")} Yes, over here",
            ["in_reply_to_id"] = questionOnFirst,
        });
        Assert.Equal(questionOnFirst, reply["in_reply_to_id"]!.GetValue<string>());

        // On Alice's side: her reply's ancestor is Bob's post, which lists her reply.
        var mine = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{reply["id"]!.GetValue<string>()}/context"))!;
        Assert.Equal(questionOnFirst, Assert.Single(mine["ancestors"]!.AsArray())!["id"]!.GetValue<string>());

        // On Bob's side: the reply arrives (he is mentioned and replied to), threaded under his post.
        var theirs = await StandaloneServer.EventuallyAsync(async () =>
        {
            var context = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{question["id"]!.GetValue<string>()}/context"))!;
            return context["descendants"]!.AsArray().Count == 1 ? context : null;
        });
        var descendant = theirs["descendants"]![0]!;
        Assert.Contains("over here", descendant["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Handle(_pair.First, "alice"), descendant["account"]!["acct"]!.GetValue<string>());
        Assert.Equal(question["id"]!.GetValue<string>(), descendant["in_reply_to_id"]!.GetValue<string>());
        var replyOnSecond = descendant["id"]!.GetValue<string>();
        var ancestors = (await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{replyOnSecond}/context"))!["ancestors"]!.AsArray();
        Assert.Equal(question["id"]!.GetValue<string>(), Assert.Single(ancestors)!["id"]!.GetValue<string>());
        var mention = await StandaloneServer.EventuallyAsync(async () =>
            (await bob.GetFromJsonAsync<JsonArray>("/api/v1/notifications?types[]=mention"))!.OfType<JsonObject>().FirstOrDefault());
        Assert.Equal(replyOnSecond, mention["status"]!["id"]!.GetValue<string>());
    }

    /// <summary>Follows <paramref name="username"/> on <paramref name="server"/> and waits for the Accept; returns the account's id here.</summary>
    internal static async Task<string> FollowAsync(HttpClient client, StandaloneServer server, string username)
    {
        var id = await ResolveAsync(client, Handle(server, username));
        await StandaloneServer.PostJsonAsync(client, $"/api/v1/accounts/{id}/follow", []);
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(client, id))["following"]!.GetValue<bool>() ? "yes" : null);
        return id;
    }
}
