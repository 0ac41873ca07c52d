using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Feeds;

/// <summary>Notifications, lists, markers, hashtag timelines, search and rate limits, over HTTP.</summary>
public sealed class FeedsTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    /// <summary>Follows through the API, as a client does.</summary>
    private static async Task FollowAsync(HttpClient follower, string targetId)
    {
        using var response = await follower.PostAsync($"/api/v1/accounts/{targetId}/follow", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Notifications_list_filter_page_dismiss_and_group()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (_, bobAccount) = await _server.SignUpAsync("bob");
        var (_, carolAccount) = await _server.SignUpAsync("carol");
        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "notice me" });
        var notifications = _server.Services.GetRequiredService<NotificationService>();
        await notifications.NotifyAsync(Id(aliceAccount), NotificationTypes.Favourite, Id(bobAccount), Id(post), default);
        await notifications.NotifyAsync(Id(aliceAccount), NotificationTypes.Favourite, Id(carolAccount), Id(post), default);
        await notifications.NotifyAsync(Id(aliceAccount), NotificationTypes.Follow, Id(bobAccount), null, default);

        var all = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!;
        Assert.Equal(["follow", "favourite", "favourite"], all.Select(n => n!["type"]!.GetValue<string>()));
        Assert.Equal(Id(post), all[1]!["status"]!["id"]!.GetValue<string>());

        var favourites = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications?types[]=favourite"))!;
        Assert.Equal(2, favourites.Count);
        var notFollows = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications?exclude_types[]=follow"))!;
        Assert.Equal(2, notFollows.Count);

        using var firstPage = await alice.GetAsync("/api/v1/notifications?limit=2");
        var next = firstPage.Headers.GetValues("Link").Single().Split(',')[0].Trim().TrimStart('<').Split('>')[0];
        var rest = (await alice.GetFromJsonAsync<JsonArray>(new Uri(next).PathAndQuery))!;
        Assert.Single(rest);

        var grouped = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/notifications"))!;
        var groups = grouped["notification_groups"]!.AsArray();
        Assert.Equal(2, groups.Count);
        var favGroup = groups.Single(g => g!["type"]!.GetValue<string>() == "favourite")!;
        Assert.Equal(2, favGroup["notifications_count"]!.GetValue<int>());
        Assert.Equal(2, favGroup["sample_account_ids"]!.AsArray().Count);
        Assert.Equal(Id(post), favGroup["status_id"]!.GetValue<string>());
        Assert.Equal(2, grouped["accounts"]!.AsArray().Count);

        using var dismiss = await alice.PostAsync($"/api/v1/notifications/{Id(all[0])}/dismiss", null);
        Assert.Equal(HttpStatusCode.OK, dismiss.StatusCode);
        using var gone = await alice.GetAsync($"/api/v1/notifications/{Id(all[0])}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var unread = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/notifications/unread_count"))!;
        Assert.Equal(2, unread["count"]!.GetValue<int>());
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/markers", new JsonObject { ["notifications"] = new JsonObject { ["last_read_id"] = Id(all[1]) } });
        unread = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/notifications/unread_count"))!;
        Assert.Equal(0, unread["count"]!.GetValue<int>());

        using var clear = await alice.PostAsync("/api/v1/notifications/clear", null);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!);
    }

    [Fact]
    public async Task Lists_hold_followed_accounts_and_show_their_statuses()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (dave, _) = await _server.SignUpAsync("dave");
        var older = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "before the list" });
        await StandaloneServer.EventuallyAsync(async () => (await bob.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!.Count > 0 ? new object() : null);

        var list = await StandaloneServer.PostJsonAsync(alice, "/api/v1/lists", new JsonObject { ["title"] = "Friends", ["exclusive"] = true });
        Assert.Equal("Friends", list["title"]!.GetValue<string>());
        Assert.Equal("list", list["replies_policy"]!.GetValue<string>());

        using var notFollowed = await alice.PostAsJsonAsync($"/api/v1/lists/{Id(list)}/accounts", new JsonObject { ["account_ids"] = new JsonArray(Id(bobAccount)) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notFollowed.StatusCode);

        await FollowAsync(alice, Id(bobAccount));
        using var added = await alice.PostAsJsonAsync($"/api/v1/lists/{Id(list)}/accounts", new JsonObject { ["account_ids"] = new JsonArray(Id(bobAccount)) });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        var members = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/lists/{Id(list)}/accounts"))!;
        Assert.Equal("bob", members.Single()!["username"]!.GetValue<string>());
        var containing = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/lists"))!;
        Assert.Equal(Id(list), Id(containing.Single()));

        var newer = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "on the list" });
        var timeline = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/timelines/list/{Id(list)}"))!;
            return page.Count == 2 ? page : null;
        });
        Assert.Equal([Id(newer), Id(older)], timeline.Select(Id));

        // Exclusive: bob's new status stays out of alice's home timeline.
        Assert.DoesNotContain((await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!, s => Id(s) == Id(newer));

        // Other users can't see or change the list.
        using var foreign = await dave.GetAsync($"/api/v1/lists/{Id(list)}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using var renamed = await alice.PutAsJsonAsync($"/api/v1/lists/{Id(list)}", new JsonObject { ["title"] = "Close friends", ["replies_policy"] = "none" });
        Assert.Equal("none", (await renamed.Content.ReadFromJsonAsync<JsonObject>())!["replies_policy"]!.GetValue<string>());
        using var badPolicy = await alice.PutAsJsonAsync($"/api/v1/lists/{Id(list)}", new JsonObject { ["replies_policy"] = "everyone" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPolicy.StatusCode);

        using var deleted = await alice.DeleteAsync($"/api/v1/lists/{Id(list)}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/lists"))!);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/lists"))!);
    }

    [Fact]
    public async Task Favourites_and_bookmarks_list_newest_first_and_page_by_link()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var posts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(Id(await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = $"post {i}" })));
        }

        // Favourited in the order 0, 2, 1: the list follows when they were favourited, not posted.
        foreach (var id in new[] { posts[0], posts[2], posts[1] })
        {
            using var favourited = await bob.PostAsync($"/api/v1/statuses/{id}/favourite", null);
            Assert.Equal(HttpStatusCode.OK, favourited.StatusCode);
        }

        using var bookmarked = await bob.PostAsync($"/api/v1/statuses/{posts[2]}/bookmark", null);
        Assert.Equal(HttpStatusCode.OK, bookmarked.StatusCode);

        using var firstPage = await bob.GetAsync("/api/v1/favourites?limit=2");
        var page = (await firstPage.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal([posts[1], posts[2]], page.Select(Id));
        Assert.True(page.All(s => s!["favourited"]!.GetValue<bool>()));
        var next = firstPage.Headers.GetValues("Link").Single().Split(',')[0].Trim().TrimStart('<').Split('>')[0];
        var rest = (await bob.GetFromJsonAsync<JsonArray>(new Uri(next).PathAndQuery))!;
        Assert.Equal([posts[0]], rest.Select(Id));

        var bookmarks = (await bob.GetFromJsonAsync<JsonArray>("/api/v1/bookmarks"))!;
        Assert.Equal([posts[2]], bookmarks.Select(Id));
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/favourites"))!);
    }

    [Fact]
    public async Task A_follow_limited_to_languages_keeps_other_languages_out_of_home()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        using var follow = await alice.PostAsJsonAsync($"/api/v1/accounts/{Id(bobAccount)}/follow", new JsonObject { ["languages"] = new JsonArray("fr") });
        Assert.Equal(HttpStatusCode.OK, follow.StatusCode);

        var english = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "hello", ["language"] = "en" });
        var french = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "bonjour", ["language"] = "fr" });
        var home = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!;
            return page.Any(s => Id(s) == Id(french)) ? page : null;
        });
        Assert.DoesNotContain(home, s => Id(s) == Id(english));
    }

    [Fact]
    public async Task Markers_save_and_count_versions()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        Assert.Empty((await alice.GetFromJsonAsync<JsonObject>("/api/v1/markers?timeline[]=home"))!);
        var first = await StandaloneServer.PostJsonAsync(alice, "/api/v1/markers", new JsonObject { ["home"] = new JsonObject { ["last_read_id"] = "103194548672408537" } });
        Assert.Equal(0, first["home"]!["version"]!.GetValue<long>());

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["home[last_read_id]"] = "103194548672408538" });
        using var second = await alice.PostAsync("/api/v1/markers", form);
        var saved = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, saved["home"]!["version"]!.GetValue<long>());

        var read = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/markers?timeline[]=home&timeline[]=notifications"))!;
        Assert.Equal("103194548672408538", read["home"]!["last_read_id"]!.GetValue<string>());
        Assert.Null(read["notifications"]);
    }

    [Fact]
    public async Task Hashtag_timelines_show_public_statuses_with_the_tag()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var cats = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "I like #cats" });
        var dogs = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "and #dogs" });

        // Tags are parsed by the status formatter; make sure both statuses carry them.
        foreach (var (status, tag) in new[] { (cats, "cats"), (dogs, "dogs") })
        {
            await StandaloneServer.EventuallyAsync(async () =>
            {
                var doc = await store.ReadAsync(Containers.Statuses, Id(status), Id(status), StoreJsonContext.Default.StatusRecord, default);
                return doc!.Value.Tags.Contains(tag) ? doc : null;
            });
        }

        var catsOnly = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/tag/cats"))!;
            return page.Count > 0 ? page : null;
        });
        Assert.Equal([Id(cats)], catsOnly.Select(Id));

        var either = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/tag/cats?any[]=dogs"))!;
            return page.Count == 2 ? page : null;
        });
        Assert.Equal([Id(dogs), Id(cats)], either.Select(Id));
        Assert.Empty((await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/tag/cats?none[]=cats"))!);
    }

    [Fact]
    public async Task The_public_timeline_with_only_media_keeps_statuses_with_attachments()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var text = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "words only" });
        using var png = new MemoryStream(Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="));
        using var upload = new MultipartFormDataContent { { new StreamContent(png), "file", "dot.png" } };
        using var uploaded = await alice.PostAsync("/api/v1/media", upload);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var media = (await uploaded.Content.ReadFromJsonAsync<JsonObject>())!;
        var withMedia = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "a picture", ["media_ids"] = new JsonArray(Id(media)) });

        await StandaloneServer.EventuallyAsync(async () => (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!.Count == 2 ? new object() : null);
        var onlyMedia = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public?only_media=true"))!;
        Assert.Equal([Id(withMedia)], onlyMedia.Select(Id));
        Assert.Contains((await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!, s => Id(s) == Id(text));
    }

    [Fact]
    public async Task Search_finds_local_accounts_statuses_by_url_and_hashtags()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var post = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "find me" });

        var byHandle = (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/search?q=@alice@127.0.0.1:{_server.Port}&type=accounts"))!;
        Assert.Equal("alice", byHandle["accounts"]![0]!["username"]!.GetValue<string>());

        var byUrl = (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={Uri.EscapeDataString(post["url"]!.GetValue<string>())}"))!;
        Assert.Equal(Id(post), Id(byUrl["statuses"]![0]));

        var tag = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/search?q=%23Fediverse&type=hashtags"))!;
        Assert.Equal("Fediverse", tag["hashtags"]![0]!["name"]!.GetValue<string>());

        using var empty = await alice.GetAsync("/api/v2/search?q=");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Startup_endpoints_answer_valid_empty_shapes()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        foreach (var path in new[] { "/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/trends/tags", "/api/v2/suggestions", "/api/v1/instance/peers", "/api/v1/instance/rules" })
        {
            using var response = await alice.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path);
            Assert.IsType<JsonArray>(JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task Rate_limits_are_announced_and_enforced()
    {
        await using var limited = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["RATE_LIMIT_REQUESTS"] = "3" });
        using var first = await limited.Client.GetAsync("/api/v1/instance");
        Assert.Equal("3", first.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("2", first.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.True(DateTimeOffset.TryParse(first.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture, out _));
        using var second = await limited.Client.GetAsync("/api/v1/instance");
        using var third = await limited.Client.GetAsync("/api/v1/instance");
        using var fourth = await limited.Client.GetAsync("/api/v1/instance");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("Too many requests", (await fourth.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());

        // Discovery documents are not part of the client API and are not limited.
        using var nodeinfo = await limited.Client.GetAsync("/nodeinfo/2.0");
        Assert.Equal(HttpStatusCode.OK, nodeinfo.StatusCode);
    }
}
