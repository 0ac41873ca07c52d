using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Tags;

/// <summary>Followed hashtags feeding home timelines, featured hashtags on profiles, and list replies policies.</summary>
public sealed class TagsTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonArray> TimelineWithAsync(HttpClient client, string path, params JsonObject[] statuses) =>
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await client.GetFromJsonAsync<JsonArray>(path))!;
            return statuses.All(s => page.Any(p => Id(p) == Id(s))) ? page : null;
        });

    private static string NextLink(HttpResponseMessage response) =>
        new Uri(response.Headers.GetValues("Link").Single().Split(',')[0].Trim().TrimStart('<').Split('>')[0]).PathAndQuery;

    [Fact]
    public async Task Followed_hashtags_page_by_link_and_feed_the_home_timeline()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");

        var tag = (await _server.Client.GetFromJsonAsync<JsonObject>("/api/v1/tags/Cats"))!;
        Assert.Equal("cats", tag["name"]!.GetValue<string>());
        Assert.EndsWith("/tags/cats", tag["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(tag["following"]);
        Assert.False((await alice.GetFromJsonAsync<JsonObject>("/api/v1/tags/cats"))!["following"]!.GetValue<bool>());
        using var invalid = await alice.GetAsync("/api/v1/tags/no%20spaces");
        Assert.Equal(HttpStatusCode.NotFound, invalid.StatusCode);

        using var follow = await alice.PostAsync("/api/v1/tags/Cats/follow", null);
        Assert.True((await ReadAsync(follow))["following"]!.GetValue<bool>());
        Assert.True((await alice.GetFromJsonAsync<JsonObject>("/api/v1/tags/cats"))!["following"]!.GetValue<bool>());
        var found = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/search?q=%23cats&type=hashtags"))!["hashtags"]!.AsArray().Single()!;
        Assert.True(found["following"]!.GetValue<bool>());
        Assert.False((await bob.GetFromJsonAsync<JsonObject>("/api/v2/search?q=%23cats&type=hashtags"))!["hashtags"]!.AsArray().Single()!["following"]!.GetValue<bool>());
        foreach (var name in new[] { "dogs", "birds" })
        {
            using var more = await alice.PostAsync($"/api/v1/tags/{name}/follow", null);
            await ReadAsync(more);
        }

        // Newest follow first, paged by Link.
        using var first = await alice.GetAsync("/api/v1/followed_tags?limit=2");
        var firstPage = (await ReadAsync(first)).AsArray();
        Assert.Equal(["birds", "dogs"], firstPage.Select(t => t!["name"]!.GetValue<string>()));
        Assert.All(firstPage, t => Assert.True(t!["following"]!.GetValue<bool>()));
        var rest = (await alice.GetFromJsonAsync<JsonArray>(NextLink(first)))!;
        Assert.Equal(["cats"], rest.Select(t => t!["name"]!.GetValue<string>()));

        // Alice does not follow bob, yet his public posts with a followed tag reach her home timeline.
        var tagged = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "look at my #Cats" });
        var unlisted = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "quiet #cats", ["visibility"] = "unlisted" });
        var untagged = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "no tag here" });
        var later = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "#dogs too" });
        var home = await TimelineWithAsync(alice, "/api/v1/timelines/home", tagged, later);
        Assert.DoesNotContain(home, s => Id(s) == Id(unlisted) || Id(s) == Id(untagged));

        // Deleting takes it off again; unfollowing stops new ones.
        using var deleted = await bob.DeleteAsync($"/api/v1/statuses/{Id(tagged)}");
        await ReadAsync(deleted);
        await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!.Any(s => Id(s) == Id(tagged)) ? null : new object());

        using var unfollow = await alice.PostAsync("/api/v1/tags/cats/unfollow", null);
        Assert.False((await ReadAsync(unfollow))["following"]!.GetValue<bool>());
        Assert.Equal(["birds", "dogs"], (await alice.GetFromJsonAsync<JsonArray>("/api/v1/followed_tags"))!.Select(t => t!["name"]!.GetValue<string>()));
        var afterUnfollow = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "more #cats" });
        var sentinel = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "and #birds" });
        home = await TimelineWithAsync(alice, "/api/v1/timelines/home", sentinel);
        Assert.DoesNotContain(home, s => Id(s) == Id(afterUnfollow));
    }

    [Fact]
    public async Task Featured_hashtags_count_the_accounts_posts()
    {
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (alice, _) = await _server.SignUpAsync("alice");
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "learning #rust" });
        var second = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "more #Rust and #wasm" });
        await TimelineWithAsync(alice, "/api/v1/timelines/tag/rust", second);

        var suggestions = (await bob.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags/suggestions"))!;
        Assert.Equal(["rust", "wasm"], suggestions.Select(t => t!["name"]!.GetValue<string>()));

        var featured = await StandaloneServer.PostJsonAsync(bob, "/api/v1/featured_tags", new JsonObject { ["name"] = "#Rust" });
        Assert.Equal("rust", featured["name"]!.GetValue<string>());
        Assert.Equal(2, featured["statuses_count"]!.GetValue<long>());
        Assert.NotNull(featured["last_status_at"]);
        Assert.EndsWith("/@bob/tagged/rust", featured["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["wasm"], (await bob.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags/suggestions"))!.Select(t => t!["name"]!.GetValue<string>()));

        using var duplicate = await bob.PostAsJsonAsync("/api/v1/featured_tags", new JsonObject { ["name"] = "rust" });
        await ReadAsync(duplicate, HttpStatusCode.UnprocessableEntity);
        using var invalid = await bob.PostAsJsonAsync("/api/v1/featured_tags", new JsonObject { ["name"] = "not a tag" });
        await ReadAsync(invalid, HttpStatusCode.UnprocessableEntity);

        // New posts with the tag count up; everyone sees the profile's featured tags.
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "still #rust" });
        var onProfile = await StandaloneServer.EventuallyAsync(async () =>
        {
            var list = (await _server.Client.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/featured_tags"))!;
            return list.Count == 1 && list[0]!["statuses_count"]!.GetValue<long>() == 3 ? list : null;
        });
        Assert.Equal(Id(featured), Id(onProfile.Single()));
        Assert.Equal(Id(featured), Id((await bob.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags"))!.Single()));

        // The actor's featuredTags collection holds it as a Hashtag.
        using var collectionRequest = new HttpRequestMessage(HttpMethod.Get, "/users/bob/collections/tags");
        collectionRequest.Headers.Accept.ParseAdd("application/activity+json");
        using var collectionResponse = await _server.Client.SendAsync(collectionRequest);
        var collection = await ReadAsync(collectionResponse);
        var hashtag = collection["items"]!.AsArray().Single()!;
        Assert.Equal("Hashtag", hashtag["type"]!.GetValue<string>());
        Assert.Equal("#rust", hashtag["name"]!.GetValue<string>());
        Assert.EndsWith("/tags/rust", hashtag["href"]!.GetValue<string>(), StringComparison.Ordinal);

        using var foreign = await alice.DeleteAsync($"/api/v1/featured_tags/{Id(featured)}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var removed = await bob.DeleteAsync($"/api/v1/featured_tags/{Id(featured)}");
        await ReadAsync(removed);
        Assert.Empty((await _server.Client.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/featured_tags"))!);

        // Mastodon 4.4's tag feature/unfeature, reflected in the Tag entity.
        using var feature = await bob.PostAsync("/api/v1/tags/wasm/feature", null);
        Assert.True((await ReadAsync(feature))["featuring"]!.GetValue<bool>());
        Assert.True((await bob.GetFromJsonAsync<JsonObject>("/api/v1/tags/wasm"))!["featuring"]!.GetValue<bool>());
        Assert.Equal(["wasm"], (await bob.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags"))!.Select(t => t!["name"]!.GetValue<string>()));
        using var unfeature = await bob.PostAsync("/api/v1/tags/wasm/unfeature", null);
        Assert.False((await ReadAsync(unfeature))["featuring"]!.GetValue<bool>());
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags"))!);
        using var unknownAccount = await _server.Client.GetAsync("/api/v1/accounts/12345/featured_tags");
        Assert.Equal(HttpStatusCode.NotFound, unknownAccount.StatusCode);
    }

    [Fact]
    public async Task List_replies_policies_decide_which_replies_reach_the_list()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (dave, daveAccount) = await _server.SignUpAsync("dave");
        var (erin, erinAccount) = await _server.SignUpAsync("erin");
        foreach (var account in new[] { bobAccount, carolAccount, daveAccount })
        {
            using var followed = await alice.PostAsync($"/api/v1/accounts/{Id(account)}/follow", null);
            await ReadAsync(followed);
        }

        async Task<string> ListAsync(string policy, params JsonObject[] members)
        {
            var list = await StandaloneServer.PostJsonAsync(alice, "/api/v1/lists", new JsonObject { ["title"] = policy, ["replies_policy"] = policy });
            Assert.Equal(policy, list["replies_policy"]!.GetValue<string>());
            Assert.False(list["exclusive"]!.GetValue<bool>());
            using var added = await alice.PostAsJsonAsync($"/api/v1/lists/{Id(list)}/accounts", new JsonObject { ["account_ids"] = new JsonArray(members.Select(m => (JsonNode)Id(m)).ToArray()) });
            await ReadAsync(added);
            return Id(list);
        }

        var listPolicy = await ListAsync("list", bobAccount, carolAccount);
        var followedPolicy = await ListAsync("followed", bobAccount);
        var nonePolicy = await ListAsync("none", bobAccount, carolAccount);

        var carolPost = await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "carol here" });
        var davePost = await StandaloneServer.PostJsonAsync(dave, "/api/v1/statuses", new JsonObject { ["status"] = "dave here" });
        var erinPost = await StandaloneServer.PostJsonAsync(erin, "/api/v1/statuses", new JsonObject { ["status"] = "erin here" });
        var alicePost = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "alice here" });
        async Task<JsonObject> ReplyAsync(JsonObject to, string acct) =>
            await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = $"@{acct} yes", ["in_reply_to_id"] = Id(to) });
        var toMember = await ReplyAsync(carolPost, "carol");
        var toFollowed = await ReplyAsync(davePost, "dave");
        var toStranger = await ReplyAsync(erinPost, "erin");
        var toOwner = await ReplyAsync(alicePost, "alice");
        var plain = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "not a reply" });
        _ = erinAccount;
        _ = aliceAccount;

        static HashSet<string> Ids(JsonArray page) => page.Select(Id).ToHashSet();
        var list = Ids(await TimelineWithAsync(alice, $"/api/v1/timelines/list/{listPolicy}", plain, toMember, toOwner));
        Assert.DoesNotContain(Id(toFollowed), list);
        Assert.DoesNotContain(Id(toStranger), list);

        var followedOnly = Ids(await TimelineWithAsync(alice, $"/api/v1/timelines/list/{followedPolicy}", plain, toFollowed, toOwner));
        Assert.DoesNotContain(Id(toStranger), followedOnly);

        var none = Ids(await TimelineWithAsync(alice, $"/api/v1/timelines/list/{nonePolicy}", plain, toOwner, carolPost));
        Assert.DoesNotContain(Id(toMember), none);
        Assert.DoesNotContain(Id(toFollowed), none);
    }

    [Fact]
    public async Task Exclusive_lists_keep_their_members_out_of_home_but_not_others()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        foreach (var account in new[] { bobAccount, carolAccount })
        {
            using var followed = await alice.PostAsync($"/api/v1/accounts/{Id(account)}/follow", null);
            await ReadAsync(followed);
        }

        var list = await StandaloneServer.PostJsonAsync(alice, "/api/v1/lists", new JsonObject { ["title"] = "Work", ["exclusive"] = "true" });
        Assert.True(list["exclusive"]!.GetValue<bool>());
        using var added = await alice.PostAsJsonAsync($"/api/v1/lists/{Id(list)}/accounts", new JsonObject { ["account_ids"] = new JsonArray(Id(bobAccount)) });
        await ReadAsync(added);

        var bobPost = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "work stuff" });
        var carolPost = await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "fun stuff" });
        await TimelineWithAsync(alice, $"/api/v1/timelines/list/{Id(list)}", bobPost);
        var home = await TimelineWithAsync(alice, "/api/v1/timelines/home", carolPost);
        Assert.DoesNotContain(home, s => Id(s) == Id(bobPost));

        // Made inclusive again, the member's new posts reach home too.
        using var changed = await alice.PutAsJsonAsync($"/api/v1/lists/{Id(list)}", new JsonObject { ["exclusive"] = false });
        Assert.False((await ReadAsync(changed))["exclusive"]!.GetValue<bool>());
        var nextPost = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "more work" });
        await TimelineWithAsync(alice, "/api/v1/timelines/home", nextPost);
    }
}
