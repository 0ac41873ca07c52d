using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Filters;

/// <summary>The <c>filtered</c> field on statuses, by context, with whole-word matching, hide and status filters.</summary>
public sealed class FilteredStatusesTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Id(JsonNode? node) => node!["id"]!.GetValue<string>();

    private static JsonNode Find(JsonArray statuses, JsonObject status) => statuses.Single(s => Id(s) == Id(status))!;

    private static JsonArray Filtered(JsonNode status) => status["filtered"]!.AsArray();

    private static async Task FollowAsync(HttpClient follower, JsonObject target)
    {
        using var response = await follower.PostAsync($"/api/v1/accounts/{Id(target)}/follow", null);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<JsonArray> HomeWithAsync(HttpClient client, params JsonObject[] statuses) =>
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!;
            return statuses.All(s => page.Any(p => Id(p) == Id(s))) ? page : null;
        });

    [Fact]
    public async Task Filtered_lists_keyword_matches_in_the_filter_contexts_only()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        await FollowAsync(alice, bobAccount);
        var filter = await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "Cats",
            ["context"] = new JsonArray("home", "thread"),
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = "cat", ["whole_word"] = true }),
        });

        var cat = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "I love my Cat. #pets" });
        var concatenate = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "concatenate the strings" });
        var warned = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "nothing here", ["spoiler_text"] = "cat pictures" });
        var mention = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "@alice look at this cat" });

        // Home: the filter's result with the text that matched; whole-word keeps "concatenate" out; the content warning counts.
        var home = await HomeWithAsync(alice, cat, concatenate, warned, mention);
        var result = Filtered(Find(home, cat)).Single()!;
        Assert.Equal(Id(filter), Id(result["filter"]));
        Assert.Equal("Cats", result["filter"]!["title"]!.GetValue<string>());
        Assert.Equal("warn", result["filter"]!["filter_action"]!.GetValue<string>());
        Assert.Equal(["home", "thread"], result["filter"]!["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["Cat"], result["keyword_matches"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Null(result["status_matches"]);
        Assert.Empty(Filtered(Find(home, concatenate)));
        Assert.Single(Filtered(Find(home, warned)));

        // Thread: the status itself and its context.
        Assert.Single(Filtered((await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{Id(cat)}"))!));
        var reply = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "@bob nice", ["in_reply_to_id"] = Id(cat) });
        var context = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{Id(reply)}/context"))!;
        Assert.Single(Filtered(context["ancestors"]!.AsArray().Single()!));

        // Public, account and notifications are not in the filter's contexts.
        var pub = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!;
        Assert.Empty(Filtered(Find(pub, cat)));
        var profile = (await alice.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/statuses"))!;
        Assert.Empty(Filtered(Find(profile, cat)));
        var notification = await StandaloneServer.EventuallyAsync(async () =>
            (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications?types[]=mention"))!.FirstOrDefault(n => Id(n!["status"]) == Id(mention)));
        Assert.Empty(Filtered(notification["status"]!));

        // Adding the contexts brings the results there too (v1 and v2 notifications).
        using var widened = await alice.PutAsJsonAsync($"/api/v2/filters/{Id(filter)}", new JsonObject { ["context"] = new JsonArray("home", "thread", "public", "account", "notifications") });
        widened.EnsureSuccessStatusCode();
        Assert.Single(Filtered(Find((await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!, cat)));
        Assert.Single(Filtered(Find((await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/tag/pets"))!, cat)));
        Assert.Single(Filtered(Find((await alice.GetFromJsonAsync<JsonArray>($"/api/v1/accounts/{Id(bobAccount)}/statuses"))!, cat)));
        var notifications = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications?types[]=mention"))!;
        Assert.Single(Filtered(notifications.Single(n => Id(n!["status"]) == Id(mention))!["status"]!));
        var grouped = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/notifications"))!;
        Assert.Single(Filtered(grouped["statuses"]!.AsArray().Single(s => Id(s) == Id(mention))!));

        // Without filters, or without a viewer, nothing is filtered.
        using var deleted = await alice.DeleteAsync($"/api/v2/filters/{Id(filter)}");
        deleted.EnsureSuccessStatusCode();
        Assert.Empty(Filtered(Find((await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!, cat)));
        var anonymous = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!;
        Assert.Null(Find(anonymous, cat)["filtered"]);
    }

    [Fact]
    public async Task Hide_filters_drop_statuses_from_home_and_notifications_and_status_filters_match_reblogs()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, _) = await _server.SignUpAsync("carol");
        await FollowAsync(alice, bobAccount);

        await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "No spoilers",
            ["context"] = new JsonArray("home", "notifications", "public"),
            ["filter_action"] = "hide",
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = "spoil", ["whole_word"] = false }),
        });
        var hidden = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "this will spoilsport you" });
        var hiddenMention = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "@alice spoilers inside" });
        var shown = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "a plain post" });
        var plainMention = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "@alice hello" });

        // Home: the hidden statuses are left out once the later ones are there.
        var home = await HomeWithAsync(alice, shown, plainMention);
        Assert.DoesNotContain(home, s => Id(s) == Id(hidden) || Id(s) == Id(hiddenMention));

        // Notifications: the mention that matches is left out, the other stays.
        var mentions = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/notifications?types[]=mention"))!;
            return page.Any(n => Id(n!["status"]) == Id(plainMention)) ? page : null;
        });
        Assert.DoesNotContain(mentions, n => Id(n!["status"]) == Id(hiddenMention));

        // Public timelines keep it, marked with the hide action, for the client to drop.
        var pub = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/public"))!;
        var result = Filtered(Find(pub, hidden)).Single()!;
        Assert.Equal("hide", result["filter"]!["filter_action"]!.GetValue<string>());
        Assert.Equal(["spoil"], result["keyword_matches"]!.AsArray().Select(k => k!.GetValue<string>()));

        // A status filter matches the status and reblogs of it, on the reblog and inside it.
        var carolPost = await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "carol's harmless post" });
        var statusFilter = await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject { ["title"] = "This one", ["context"] = new JsonArray("home", "thread") });
        await StandaloneServer.PostJsonAsync(alice, $"/api/v2/filters/{Id(statusFilter)}/statuses", new JsonObject { ["status_id"] = Id(carolPost) });
        var reblog = await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{Id(carolPost)}/reblog", []);
        var withReblog = await HomeWithAsync(alice, reblog);
        var rendered = Find(withReblog, reblog);
        var outer = Filtered(rendered).Single()!;
        Assert.Equal("This one", outer["filter"]!["title"]!.GetValue<string>());
        Assert.Equal([Id(carolPost)], outer["status_matches"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Null(outer["keyword_matches"]);
        Assert.Single(Filtered(rendered["reblog"]!));
        Assert.Single(Filtered((await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{Id(carolPost)}"))!));
    }
}
