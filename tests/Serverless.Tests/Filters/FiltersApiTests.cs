using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Filters;

/// <summary>Filters v2 and v1 over HTTP: CRUD, keywords and statuses, validation, and the v1 mapping.</summary>
public sealed class FiltersApiTests : IAsyncLifetime
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

    [Fact]
    public async Task Filters_v2_are_created_read_updated_and_deleted_with_keywords_and_statuses()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var post = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "something to filter" });

        var created = await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "Spoilers",
            ["context"] = new JsonArray("home", "public"),
            ["filter_action"] = "hide",
            ["expires_in"] = 3600,
            ["keywords_attributes"] = new JsonArray(
                new JsonObject { ["keyword"] = "finale", ["whole_word"] = true },
                new JsonObject { ["keyword"] = "season 2", ["whole_word"] = false }),
        });
        Assert.Equal("Spoilers", created["title"]!.GetValue<string>());
        Assert.Equal(["home", "public"], created["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("hide", created["filter_action"]!.GetValue<string>());
        var expiresAt = DateTimeOffset.Parse(created["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
        var keywords = created["keywords"]!.AsArray();
        Assert.Equal(["finale", "season 2"], keywords.Select(k => k!["keyword"]!.GetValue<string>()));
        Assert.Equal([true, false], keywords.Select(k => k!["whole_word"]!.GetValue<bool>()));
        Assert.Empty(created["statuses"]!.AsArray());
        var filterId = Id(created);

        var listed = (await alice.GetFromJsonAsync<JsonArray>("/api/v2/filters"))!;
        Assert.Equal(filterId, Id(listed.Single()));
        Assert.Equal("Spoilers", (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/filters/{filterId}"))!["title"]!.GetValue<string>());

        // keywords_attributes: change one, destroy the other, add a third; no expiry any more.
        using var updateResponse = await alice.PutAsJsonAsync($"/api/v2/filters/{filterId}", new JsonObject
        {
            ["title"] = "TV",
            ["filter_action"] = "warn",
            ["expires_in"] = "",
            ["keywords_attributes"] = new JsonArray(
                new JsonObject { ["id"] = Id(keywords[0]), ["keyword"] = "ending" },
                new JsonObject { ["id"] = Id(keywords[1]), ["_destroy"] = true },
                new JsonObject { ["keyword"] = "trailer" }),
        });
        var updated = await ReadAsync(updateResponse);
        Assert.Equal("TV", updated["title"]!.GetValue<string>());
        Assert.Equal("warn", updated["filter_action"]!.GetValue<string>());
        Assert.Null(updated["expires_at"]);
        Assert.Equal(["ending", "trailer"], updated["keywords"]!.AsArray().Select(k => k!["keyword"]!.GetValue<string>()));
        Assert.Equal([true, true], updated["keywords"]!.AsArray().Select(k => k!["whole_word"]!.GetValue<bool>()));

        // Keyword endpoints.
        var added = await StandaloneServer.PostJsonAsync(alice, $"/api/v2/filters/{filterId}/keywords", new JsonObject { ["keyword"] = "recap", ["whole_word"] = false });
        Assert.False(added["whole_word"]!.GetValue<bool>());
        Assert.Equal(3, (await alice.GetFromJsonAsync<JsonArray>($"/api/v2/filters/{filterId}/keywords"))!.Count);
        Assert.Equal("recap", (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/filters/keywords/{Id(added)}"))!["keyword"]!.GetValue<string>());
        using var keywordUpdate = await alice.PutAsJsonAsync($"/api/v2/filters/keywords/{Id(added)}", new JsonObject { ["keyword"] = "recaps", ["whole_word"] = true });
        Assert.Equal("recaps", (await ReadAsync(keywordUpdate))["keyword"]!.GetValue<string>());
        using var keywordDelete = await alice.DeleteAsync($"/api/v2/filters/keywords/{Id(added)}");
        await ReadAsync(keywordDelete);
        using var keywordGone = await alice.GetAsync($"/api/v2/filters/keywords/{Id(added)}");
        Assert.Equal(HttpStatusCode.NotFound, keywordGone.StatusCode);
        using var blankKeyword = await alice.PostAsJsonAsync($"/api/v2/filters/{filterId}/keywords", new JsonObject { ["keyword"] = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blankKeyword.StatusCode);

        // Status endpoints.
        var statusFilter = await StandaloneServer.PostJsonAsync(alice, $"/api/v2/filters/{filterId}/statuses", new JsonObject { ["status_id"] = Id(post) });
        Assert.Equal(Id(post), statusFilter["status_id"]!.GetValue<string>());
        Assert.Equal(Id(statusFilter), Id((await alice.GetFromJsonAsync<JsonArray>($"/api/v2/filters/{filterId}/statuses"))!.Single()));
        Assert.Equal(Id(post), (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/filters/statuses/{Id(statusFilter)}"))!["status_id"]!.GetValue<string>());
        using var duplicate = await alice.PostAsJsonAsync($"/api/v2/filters/{filterId}/statuses", new JsonObject { ["status_id"] = Id(post) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
        using var missingStatus = await alice.PostAsJsonAsync($"/api/v2/filters/{filterId}/statuses", new JsonObject { ["status_id"] = "12345" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingStatus.StatusCode);
        Assert.Single((await alice.GetFromJsonAsync<JsonObject>($"/api/v2/filters/{filterId}"))!["statuses"]!.AsArray());
        using var statusDelete = await alice.DeleteAsync($"/api/v2/filters/statuses/{Id(statusFilter)}");
        await ReadAsync(statusDelete);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>($"/api/v2/filters/{filterId}/statuses"))!);

        // Another user sees none of it.
        using var foreign = await bob.GetAsync($"/api/v2/filters/{filterId}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var foreignKeyword = await bob.GetAsync($"/api/v2/filters/keywords/{Id(keywords[0])}");
        Assert.Equal(HttpStatusCode.NotFound, foreignKeyword.StatusCode);
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v2/filters"))!);

        using var deleted = await alice.DeleteAsync($"/api/v2/filters/{filterId}");
        Assert.Equal("{}", (await ReadAsync(deleted)).ToJsonString());
        using var gone = await alice.GetAsync($"/api/v2/filters/{filterId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v2/filters"))!);
    }

    [Fact]
    public async Task Invalid_filters_are_refused_with_mastodon_errors()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        using var noTitle = await alice.PostAsJsonAsync("/api/v2/filters", new JsonObject { ["context"] = new JsonArray("home") });
        Assert.Contains("Title", (await ReadAsync(noTitle, HttpStatusCode.UnprocessableEntity))["error"]!.GetValue<string>(), StringComparison.Ordinal);
        using var noContext = await alice.PostAsJsonAsync("/api/v2/filters", new JsonObject { ["title"] = "x" });
        await ReadAsync(noContext, HttpStatusCode.UnprocessableEntity);
        using var badContext = await alice.PostAsJsonAsync("/api/v2/filters", new JsonObject { ["title"] = "x", ["context"] = new JsonArray("home", "everywhere") });
        await ReadAsync(badContext, HttpStatusCode.UnprocessableEntity);
        using var badAction = await alice.PostAsJsonAsync("/api/v2/filters", new JsonObject { ["title"] = "x", ["context"] = new JsonArray("home"), ["filter_action"] = "explode" });
        await ReadAsync(badAction, HttpStatusCode.UnprocessableEntity);
        using var notMine = await alice.PutAsJsonAsync("/api/v2/filters/123", new JsonObject { ["title"] = "x" });
        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
        using var anonymous = await _server.Client.GetAsync("/api/v2/filters");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v2/filters"))!);

        // Rails-style form fields work too (older clients post forms).
        using var form = new FormUrlEncodedContent(
        [
            new("title", "Form"),
            new("context[]", "home"),
            new("context[]", "thread"),
            new("keywords_attributes[0][keyword]", "alpha"),
            new("keywords_attributes[0][whole_word]", "false"),
            new("keywords_attributes[1][keyword]", "beta"),
        ]);
        using var formResponse = await alice.PostAsync("/api/v2/filters", form);
        var fromForm = await ReadAsync(formResponse);
        Assert.Equal(["home", "thread"], fromForm["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["alpha", "beta"], fromForm["keywords"]!.AsArray().Select(k => k!["keyword"]!.GetValue<string>()));
        Assert.Equal([false, true], fromForm["keywords"]!.AsArray().Select(k => k!["whole_word"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task V1_filters_are_keywords_of_v2_filters()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var v1 = await StandaloneServer.PostJsonAsync(alice, "/api/v1/filters", new JsonObject
        {
            ["phrase"] = "politics",
            ["context"] = new JsonArray("home", "notifications"),
            ["irreversible"] = true,
            ["whole_word"] = false,
            ["expires_in"] = 1800,
        });
        Assert.Equal("politics", v1["phrase"]!.GetValue<string>());
        Assert.True(v1["irreversible"]!.GetValue<bool>());
        Assert.False(v1["whole_word"]!.GetValue<bool>());
        Assert.NotNull(v1["expires_at"]);
        Assert.Equal(["home", "notifications"], v1["context"]!.AsArray().Select(c => c!.GetValue<string>()));

        // The v2 view: a filter titled by the phrase, action hide, one keyword whose id is the v1 id.
        var v2 = (await alice.GetFromJsonAsync<JsonArray>("/api/v2/filters"))!.Single()!;
        Assert.Equal("politics", v2["title"]!.GetValue<string>());
        Assert.Equal("hide", v2["filter_action"]!.GetValue<string>());
        Assert.Equal(Id(v1), Id(v2["keywords"]!.AsArray().Single()));

        Assert.Equal(Id(v1), Id((await alice.GetFromJsonAsync<JsonArray>("/api/v1/filters"))!.Single()));
        Assert.Equal("politics", (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/filters/{Id(v1)}"))!["phrase"]!.GetValue<string>());

        using var changed = await alice.PutAsJsonAsync($"/api/v1/filters/{Id(v1)}", new JsonObject { ["phrase"] = "elections", ["irreversible"] = false, ["context"] = new JsonArray("public") });
        var changedV1 = await ReadAsync(changed);
        Assert.Equal("elections", changedV1["phrase"]!.GetValue<string>());
        Assert.False(changedV1["irreversible"]!.GetValue<bool>());
        var changedV2 = (await alice.GetFromJsonAsync<JsonObject>($"/api/v2/filters/{Id(v2)}"))!;
        Assert.Equal("elections", changedV2["title"]!.GetValue<string>());
        Assert.Equal("warn", changedV2["filter_action"]!.GetValue<string>());
        Assert.Equal(["public"], changedV2["context"]!.AsArray().Select(c => c!.GetValue<string>()));

        // With a second keyword, filter-wide changes through v1 are refused, as Mastodon does; keyword changes are not.
        await StandaloneServer.PostJsonAsync(alice, $"/api/v2/filters/{Id(v2)}/keywords", new JsonObject { ["keyword"] = "votes" });
        Assert.Equal(2, (await alice.GetFromJsonAsync<JsonArray>("/api/v1/filters"))!.Count);
        using var refused = await alice.PutAsJsonAsync($"/api/v1/filters/{Id(v1)}", new JsonObject { ["context"] = new JsonArray("home") });
        await ReadAsync(refused, HttpStatusCode.UnprocessableEntity);
        using var wholeWord = await alice.PutAsJsonAsync($"/api/v1/filters/{Id(v1)}", new JsonObject { ["whole_word"] = true });
        Assert.True((await ReadAsync(wholeWord))["whole_word"]!.GetValue<bool>());

        using var deleted = await alice.DeleteAsync($"/api/v1/filters/{Id(v1)}");
        await ReadAsync(deleted);
        Assert.Equal(["votes"], (await alice.GetFromJsonAsync<JsonArray>("/api/v1/filters"))!.Select(f => f!["phrase"]!.GetValue<string>()));
        using var gone = await alice.GetAsync($"/api/v1/filters/{Id(v1)}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
