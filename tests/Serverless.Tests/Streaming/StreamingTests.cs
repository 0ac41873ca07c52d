using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Streaming.StreamClient;

namespace Serverless.Tests.Streaming;

/// <summary>
/// <c>/api/v1/streaming</c> on the standalone host, driven as clients drive it: a WebSocket with the
/// token as subprotocol or in the query, streams from <c>?stream=</c> and subscribe frames, and
/// events caused by other users through the client API.
/// </summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Health_answers_OK_in_plain_text()
    {
        using var response = await _server.Client.GetAsync("/api/v1/streaming/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_or_missing_token_is_refused_with_401_before_the_upgrade()
    {
        foreach (var token in new[] { "not-a-token", "" })
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            var query = token.Length > 0 ? "?stream=user&access_token=" + token : "?stream=user";
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.Port}/api/v1/streaming{query}"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }

        // A plain request (no upgrade) with a good token is not a stream.
        var (alice, _) = await _server.SignUpAsync("alice");
        using var plain = await alice.GetAsync("/api/v1/streaming?stream=user");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }

    [Fact]
    public async Task A_follower_receives_update_delete_and_status_update_on_the_user_stream()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/follow", []);

        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=user");
        Assert.Equal(TokenOf(alice), stream.SubProtocol);

        var posted = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Streaming hello" });
        var update = await stream.NextStatusAsync("update", "Streaming hello");
        Assert.Equal("user", Stream(update));
        var status = Payload(update)!;
        Assert.Equal(posted["id"]!.GetValue<string>(), status["id"]!.GetValue<string>());
        Assert.Equal("bob", status["account"]!["acct"]!.GetValue<string>());
        Assert.Equal("public", status["visibility"]!.GetValue<string>());

        using (var edit = await bob.PutAsJsonAsync($"/api/v1/statuses/{posted["id"]}", new JsonObject { ["status"] = "Streaming hello, edited" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var edited = await stream.NextStatusAsync("status.update", "Streaming hello, edited");
        Assert.Equal(posted["id"]!.GetValue<string>(), Payload(edited)!["id"]!.GetValue<string>());
        Assert.NotNull(Payload(edited)!["edited_at"]!.GetValue<string>());

        using (var deleted = await bob.DeleteAsync($"/api/v1/statuses/{posted["id"]}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var delete = await stream.NextAsync(f => f["event"]!.GetValue<string>() == "delete");
        Assert.Equal(posted["id"]!.GetValue<string>(), delete["payload"]!.GetValue<string>());
        Assert.Equal("user", Stream(delete));
    }

    [Fact]
    public async Task A_mention_streams_a_notification_to_user_and_user_notification_streams()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (carol, _) = await _server.SignUpAsync("carol");

        // The token in the query, as megalodon sends it; user:notification carries notifications only.
        await using var user = await ConnectAsync(_server, TokenOf(alice), "stream=user", tokenInQuery: true);
        await using var notifications = await ConnectAsync(_server, TokenOf(alice), "stream=user:notification");
        await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "@alice look at this" });

        var onUser = await user.NextAsync(f => f["event"]!.GetValue<string>() == "notification");
        Assert.Equal("user", Stream(onUser));
        var notification = Payload(onUser)!;
        Assert.Equal("mention", notification["type"]!.GetValue<string>());
        Assert.Equal("carol", notification["account"]!["acct"]!.GetValue<string>());
        Assert.Contains("look at this", notification["status"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);

        var onNotifications = await notifications.NextAsync(f => f["event"]!.GetValue<string>() == "notification");
        Assert.Equal("user:notification", Stream(onNotifications));
        Assert.Equal(notification["id"]!.GetValue<string>(), Payload(onNotifications)!["id"]!.GetValue<string>());
        Assert.DoesNotContain(await notifications.DrainAsync(), f => f["event"]!.GetValue<string>() == "update");
        _ = aliceAccount;
    }

    [Fact]
    public async Task Public_and_hashtag_streams_carry_public_posts_only_with_the_stream_names_the_client_used()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");

        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=public:local");
        await stream.SubscribeAsync("hashtag", tag: "Cats");
        await stream.SubscribeAsync("public");
        await Task.Delay(200);

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Private #cats", ["visibility"] = "private" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Unlisted #cats", ["visibility"] = "unlisted" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Public #cats" });

        var local = await stream.NextAsync(f => Stream(f) == "public:local" && Payload(f)?["content"]?.GetValue<string>().Contains("Public", StringComparison.Ordinal) == true);
        var tag = await stream.NextAsync(f => Stream(f) == "hashtag,Cats" && Payload(f)?["content"]?.GetValue<string>().Contains("Public", StringComparison.Ordinal) == true);
        Assert.Equal(Payload(local)!["id"]!.GetValue<string>(), Payload(tag)!["id"]!.GetValue<string>());
        await stream.NextAsync(f => Stream(f) == "public" && Payload(f)?["content"]?.GetValue<string>().Contains("Public", StringComparison.Ordinal) == true);

        var seen = await stream.DrainAsync();
        Assert.DoesNotContain(seen, f => Payload(f)?["content"]?.GetValue<string>() is { } c && (c.Contains("Private", StringComparison.Ordinal) || c.Contains("Unlisted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unsubscribing_stops_a_stream_and_bad_subscriptions_get_error_frames()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var bobsList = await StandaloneServer.PostJsonAsync(bob, "/api/v1/lists", new JsonObject { ["title"] = "Bob's" });

        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=nonsense");
        var unknown = await stream.NextAsync(f => f["error"] is not null);
        Assert.Equal("Unknown stream type", unknown["error"]!.GetValue<string>());
        Assert.Equal(400, unknown["status"]!.GetValue<int>());

        await stream.SubscribeAsync("list", list: bobsList["id"]!.GetValue<string>());
        var notHers = await stream.NextAsync(f => f["error"] is not null);
        Assert.Equal("Not authorized to stream this list", notHers["error"]!.GetValue<string>());
        Assert.Equal(401, notHers["status"]!.GetValue<int>());

        await stream.SubscribeAsync("hashtag");
        Assert.Equal("No tag for stream provided", (await stream.NextAsync(f => f["error"] is not null))["error"]!.GetValue<string>());

        await stream.SubscribeAsync("public:local");
        await stream.SubscribeAsync("hashtag", tag: "marker");
        await Task.Delay(200);
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Before #marker" });
        await stream.NextAsync(f => Stream(f) == "public:local" && Payload(f)?["content"]?.GetValue<string>().Contains("Before", StringComparison.Ordinal) == true);
        await stream.NextAsync(f => Stream(f) == "hashtag,marker" && Payload(f)?["content"]?.GetValue<string>().Contains("Before", StringComparison.Ordinal) == true);

        await stream.UnsubscribeAsync("public:local");
        await Task.Delay(200);
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "After #marker" });

        // Fan-out streams the local timeline before the tag's, so the tag's frame comes after any local one would have.
        await stream.NextAsync(f => Stream(f) == "hashtag,marker" && Payload(f)?["content"]?.GetValue<string>().Contains("After", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(await stream.DrainAsync(), f => Stream(f) == "public:local" && Payload(f)?["content"]?.GetValue<string>().Contains("After", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_list_owner_receives_list_updates_and_a_direct_message_streams_a_conversation()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/follow", []);
        var list = await StandaloneServer.PostJsonAsync(alice, "/api/v1/lists", new JsonObject { ["title"] = "Friends" });
        var listId = list["id"]!.GetValue<string>();
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/lists/{listId}/accounts", new JsonObject { ["account_ids"] = new JsonArray(bobAccount["id"]!.GetValue<string>()) });

        await using var stream = await ConnectAsync(_server, TokenOf(alice), $"stream=list&list={listId}");
        await stream.SubscribeAsync("direct");
        await Task.Delay(200);

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "For my listeners" });
        var update = await stream.NextStatusAsync("update", "For my listeners");
        Assert.Equal("list," + listId, Stream(update));

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "@alice just between us", ["visibility"] = "direct" });
        var conversation = await stream.NextAsync(f => f["event"]!.GetValue<string>() == "conversation");
        Assert.Equal("direct", Stream(conversation));
        var payload = Payload(conversation)!;
        Assert.True(payload["unread"]!.GetValue<bool>());
        Assert.Equal("bob", Assert.Single(payload["accounts"]!.AsArray())!["acct"]!.GetValue<string>());
        Assert.Contains("just between us", payload["last_status"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(await stream.DrainAsync(), f => Stream(f) == "list," + listId && Payload(f)?["content"]?.GetValue<string>().Contains("just between us", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Filters_hide_or_mark_streamed_statuses_and_a_change_streams_filters_changed()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/follow", []);

        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=user");
        await stream.SubscribeAsync("public:local");
        await Task.Delay(200);

        // Filters made while connected: each change streams filters_changed, and the connection uses them at once.
        await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "No spoilers",
            ["context"] = new JsonArray("home", "public"),
            ["filter_action"] = "hide",
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = "spoilers" }),
        });
        var warn = await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "Weather",
            ["context"] = new JsonArray("home"),
            ["filter_action"] = "warn",
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = "rain", ["whole_word"] = true }),
        });
        var changed = await stream.NextAsync(f => f["event"]!.GetValue<string>() == "filters_changed");
        Assert.Equal("user", Stream(changed));
        Assert.Null(changed["payload"]);

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Big spoilers ahead" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Rain all day" });

        var home = await stream.NextAsync(f => Stream(f) == "user" && f["event"]!.GetValue<string>() == "update" && Payload(f)!["content"]!.GetValue<string>().Contains("Rain", StringComparison.Ordinal));
        var filtered = Assert.Single(Payload(home)!["filtered"]!.AsArray())!;
        Assert.Equal(warn["id"]!.GetValue<string>(), filtered["filter"]!["id"]!.GetValue<string>());
        Assert.Equal("warn", filtered["filter"]!["filter_action"]!.GetValue<string>());
        Assert.Equal("Rain", Assert.Single(filtered["keyword_matches"]!.AsArray())!.GetValue<string>());

        // The warning filter is for home only: the local timeline's copy is not marked.
        var local = await stream.NextAsync(f => Stream(f) == "public:local" && Payload(f)?["content"]?.GetValue<string>().Contains("Rain", StringComparison.Ordinal) == true);
        Assert.True(Payload(local)!["filtered"] is null or JsonArray { Count: 0 });
        Assert.DoesNotContain(await stream.DrainAsync(), f => f.ToJsonString().Contains("spoilers ahead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_followed_hashtag_streams_to_the_user_stream()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, _) = await _server.SignUpAsync("carol");
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/tags/gardening/follow", []);
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/follow", []);

        await using var stream = await ConnectAsync(_server, TokenOf(alice), "stream=user");
        await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "Tomatoes #gardening" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Beans #gardening" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Marker" });

        var update = await stream.NextStatusAsync("update", "Tomatoes");
        Assert.Equal("carol", Payload(update)!["account"]!["acct"]!.GetValue<string>());
        await stream.NextStatusAsync("update", "Beans");
        await stream.NextStatusAsync("update", "Marker");
    }
}
