using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Tags;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Tags;

/// <summary>The Tag entity's <c>history</c>: the last 7 UTC days, newest first, uses and distinct accounts as strings.</summary>
public sealed class TagHistoryTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string UtcMidnight(DateTimeOffset at) =>
        new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static (string Day, string Uses, string Accounts) Day(JsonNode? day) =>
        (day!["day"]!.GetValue<string>(), day["uses"]!.GetValue<string>(), day["accounts"]!.GetValue<string>());

    private static Task<JsonObject> TagWithUsesAsync(HttpClient client, string path, string uses) =>
        StandaloneServer.EventuallyAsync(async () =>
        {
            var tag = (await client.GetFromJsonAsync<JsonObject>(path))!;
            return tag["history"]!.AsArray()[0]!["uses"]!.GetValue<string>() == uses ? tag : null;
        });

    [Fact]
    public async Task Public_uses_today_count_statuses_and_distinct_accounts_over_seven_days()
    {
        var before = DateTimeOffset.UtcNow;
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var first = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "my #Cats" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "more #cats and #cats again" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "#CATS!" });
        // Not counted, as on Mastodon: unlisted and private posts, and boosts.
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "quiet #cats", ["visibility"] = "unlisted" });
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "hidden #cats", ["visibility"] = "private" });
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{first["id"]!.GetValue<string>()}/reblog", new JsonObject());
        // A later post proves the earlier ones were all fanned out before the counts are read.
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "#dogs" });

        await TagWithUsesAsync(_server.Client, "/api/v1/tags/dogs", "1");
        var tag = await TagWithUsesAsync(_server.Client, "/api/v1/tags/cats", "3");
        var history = tag["history"]!.AsArray();
        Assert.Equal(7, history.Count);
        var today = Day(history[0]);
        Assert.Contains(today.Day, new[] { UtcMidnight(before), UtcMidnight(DateTimeOffset.UtcNow) });
        Assert.Equal(("3", "2"), (today.Uses, today.Accounts));
        var days = history.Select(d => long.Parse(Day(d).Day, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(i => days[0] - (i * 86400L)), days);
        Assert.All(history.Skip(1), d => Assert.Equal(("0", "0"), (Day(d).Uses, Day(d).Accounts)));

        // The same history wherever a Tag entity is shown.
        using var follow = await alice.PostAsync("/api/v1/tags/cats/follow", null);
        Assert.Equal("3", (await follow.Content.ReadFromJsonAsync<JsonObject>())!["history"]![0]!["uses"]!.GetValue<string>());
        var followed = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/followed_tags"))!.Single()!;
        Assert.Equal(("3", "2"), (Day(followed["history"]![0]).Uses, Day(followed["history"]![0]).Accounts));
        var found = (await alice.GetFromJsonAsync<JsonObject>("/api/v2/search?q=%23Cats&type=hashtags"))!["hashtags"]!.AsArray().Single()!;
        Assert.Equal(("3", "2"), (Day(found["history"]![0]).Uses, Day(found["history"]![0]).Accounts));
        var suggested = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/featured_tags/suggestions"))!.Single(t => t!["name"]!.GetValue<string>() == "cats")!;
        Assert.Equal("3", Day(suggested["history"]![0]).Uses);
    }

    [Fact]
    public async Task A_tag_never_used_has_seven_days_of_zeros()
    {
        var tag = (await _server.Client.GetFromJsonAsync<JsonObject>("/api/v1/tags/neverused"))!;
        var history = tag["history"]!.AsArray();
        Assert.Equal(7, history.Count);
        Assert.Equal(UtcMidnight(DateTimeOffset.UtcNow), Day(history[0]).Day);
        Assert.All(history, d => Assert.Equal(("0", "0"), (Day(d).Uses, Day(d).Accounts)));
    }

    [Fact]
    public async Task Remote_statuses_count_on_the_day_they_were_written_unless_old_or_from_a_silenced_author()
    {
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var statuses = _server.Services.GetRequiredService<StatusService>();
        var now = DateTimeOffset.UtcNow;
        async Task<string> RemoteAccountAsync(string id, string username, DateTimeOffset? silencedAt)
        {
            var uri = $"https://remote.example/users/{username}";
            var account = new AccountRecord { Id = id, Username = username, Domain = "remote.example", Uri = uri, Url = uri, CreatedAt = now.AddDays(-100), SilencedAt = silencedAt };
            await store.UpsertAsync(Containers.Accounts, id, id, account, StoreJsonContext.Default.AccountRecord, ifMatch: null, CancellationToken.None);
            return id;
        }

        async Task RemoteStatusAsync(string accountId, int n, DateTimeOffset published)
        {
            var uri = $"https://remote.example/statuses/{accountId}/{n}";
            var id = await statuses.AllocateRemoteIdAsync(published, uri, CancellationToken.None);
            await statuses.CreateRemoteAsync(
                new StatusRecord { Id = id, AccountId = accountId, Uri = uri, Url = uri, Visibility = Visibility.Public, CreatedAt = published, Local = false, ConversationId = id, Tags = ["Frogs"] },
                [],
                null,
                CancellationToken.None);
        }

        var carol = await RemoteAccountAsync("900001", "carol", null);
        var mallory = await RemoteAccountAsync("900002", "mallory", now.AddDays(-1));
        await RemoteStatusAsync(carol, 1, now.AddDays(-30));
        await RemoteStatusAsync(mallory, 2, now);
        await RemoteStatusAsync(carol, 3, now);
        var (alice, _) = await _server.SignUpAsync("alice");
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "#frogs" });

        var history = (await TagWithUsesAsync(_server.Client, "/api/v1/tags/frogs", "2"))["history"]!.AsArray();
        Assert.Equal(("2", "2"), (Day(history[0]).Uses, Day(history[0]).Accounts));
        Assert.All(history.Skip(1), d => Assert.Equal("0", Day(d).Uses));
    }

    [Fact]
    public async Task A_status_counted_again_by_a_redelivered_fanout_message_is_counted_once()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var posted = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "#birds" });
        await TagWithUsesAsync(_server.Client, "/api/v1/tags/birds", "1");

        var status = await _server.Services.GetRequiredService<StatusService>().GetAsync(posted["id"]!.GetValue<string>(), CancellationToken.None);
        await new TagHistory(_server.Services.GetRequiredService<IDocumentStore>(), TimeProvider.System).RecordAsync(status!, CancellationToken.None);

        var history = (await _server.Client.GetFromJsonAsync<JsonObject>("/api/v1/tags/birds"))!["history"]!.AsArray();
        Assert.Equal(("1", "1"), (Day(history[0]).Uses, Day(history[0]).Accounts));
    }
}
