using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Safety.SafetyClient;

namespace Serverless.Tests.Safety;

/// <summary>Muting (with and without notifications, timed) and silenced accounts, as a client sees them.</summary>
public sealed class MuteTests(SafetyServerFixture fixture) : IClassFixture<SafetyServerFixture>
{
    [Fact]
    public async Task A_mute_hides_the_account_from_feeds_and_its_notifications_until_unmuted()
    {
        var (alice, aliceId, aliceName) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow");
        await PostAsync(bob, $"/api/v1/accounts/{aliceId}/follow");
        await StatusAsync(bob, "bob speaks before the mute #mutetag");
        await WaitForAsync(alice, "/api/v1/timelines/home", "bob speaks before the mute");

        var relationship = await PostAsync(alice, $"/api/v1/accounts/{bobId}/mute");
        Assert.True(relationship["muting"]!.GetValue<bool>());
        Assert.True(relationship["muting_notifications"]!.GetValue<bool>());
        Assert.True(relationship["following"]!.GetValue<bool>());
        Assert.False((await RelationshipAsync(bob, aliceId))["blocked_by"]!.GetValue<bool>());

        var carolThread = await StatusAsync(carol, "carol asks a question");
        await StatusAsync(bob, "bob answers carol", inReplyToId: carolThread);
        await StatusAsync(bob, $"@{aliceName} bob mentions alice");
        await StatusAsync(carol, $"@{aliceName} carol mentions alice #mutetag");
        await StandaloneServer.EventuallyAsync(async () => (await NotificationsAsync(alice)).Any(n => n["type"]!.GetValue<string>() == "mention") ? "yes" : null);

        foreach (var path in new[] { "/api/v1/timelines/home", "/api/v1/timelines/public?local=true&limit=40", "/api/v1/timelines/tag/mutetag" })
        {
            var texts = await TextsAsync(alice, path);
            Assert.False(Has(texts, "bob speaks before the mute") || Has(texts, "bob answers carol") || Has(texts, "bob mentions alice"), path);
        }

        Assert.True(Has(await TextsAsync(alice, "/api/v1/timelines/tag/mutetag"), "carol mentions alice"));
        var context = (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{carolThread}/context"))!;
        Assert.Empty(context["descendants"]!.AsArray());
        Assert.DoesNotContain(await NotificationsAsync(alice), n => n["account"]!["id"]!.GetValue<string>() == bobId);

        // The muted account sees nothing of it: alice's posts still reach bob.
        await StatusAsync(alice, "alice talks to her followers");
        await WaitForAsync(bob, "/api/v1/timelines/home", "alice talks to her followers");

        using (var response = await alice.GetAsync("/api/v1/mutes"))
        {
            response.EnsureSuccessStatusCode();
            Assert.Equal(bobId, Assert.Single((await response.Content.ReadFromJsonAsync<JsonArray>())!)!["id"]!.GetValue<string>());
            Assert.Contains("rel=\"prev\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        }

        var unmuted = await PostAsync(alice, $"/api/v1/accounts/{bobId}/unmute");
        Assert.False(unmuted["muting"]!.GetValue<bool>());
        Assert.True(Has(await TextsAsync(alice, "/api/v1/timelines/home"), "bob speaks before the mute"));
        Assert.Empty(await ArrayAsync(alice, "/api/v1/mutes"));
    }

    [Fact]
    public async Task A_mute_hides_the_account_from_lists_favourites_and_bookmarks()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow");
        var list = (await PostAsync(alice, "/api/v1/lists", new JsonObject { ["title"] = "friends" }))["id"]!.GetValue<string>();
        await PostAsync(alice, $"/api/v1/lists/{list}/accounts", new JsonObject { ["account_ids"] = new JsonArray(bobId) });
        var post = await StatusAsync(bob, "bob writes for the list");
        await WaitForAsync(alice, $"/api/v1/timelines/list/{list}", "bob writes for the list");
        await PostAsync(alice, $"/api/v1/statuses/{post}/favourite");
        await PostAsync(alice, $"/api/v1/statuses/{post}/bookmark");
        Assert.Single(await ArrayAsync(alice, "/api/v1/favourites"));

        await PostAsync(alice, $"/api/v1/accounts/{bobId}/mute");
        Assert.Empty(await ArrayAsync(alice, $"/api/v1/timelines/list/{list}"));
        Assert.Empty(await ArrayAsync(alice, "/api/v1/favourites"));
        Assert.Empty(await ArrayAsync(alice, "/api/v1/bookmarks"));

        // His profile, opened on purpose, still shows him.
        Assert.True(Has(await TextsAsync(alice, $"/api/v1/accounts/{bobId}/statuses"), "bob writes for the list"));
    }

    [Fact]
    public async Task A_mute_without_notifications_still_lets_mentions_through()
    {
        var (alice, _, aliceName) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var relationship = await PostAsync(alice, $"/api/v1/accounts/{bobId}/mute", new JsonObject { ["notifications"] = false });
        Assert.True(relationship["muting"]!.GetValue<bool>());
        Assert.False(relationship["muting_notifications"]!.GetValue<bool>());

        await StatusAsync(bob, $"@{aliceName} you still hear me");
        var mention = await StandaloneServer.EventuallyAsync(async () => (await NotificationsAsync(alice)).FirstOrDefault(n => n["type"]!.GetValue<string>() == "mention"));
        Assert.Equal(bobId, mention["account"]!["id"]!.GetValue<string>());
        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/public?local=true&limit=40"), "you still hear me"));
    }

    [Fact]
    public async Task A_timed_mute_expires_and_is_forgotten()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        await StatusAsync(bob, "bob posts while muted for a moment");
        await WaitForAsync(bob, "/api/v1/timelines/public?local=true&limit=40", "muted for a moment");
        var relationship = await PostAsync(alice, $"/api/v1/accounts/{bobId}/mute", new JsonObject { ["duration"] = 1 });
        Assert.True(relationship["muting"]!.GetValue<bool>());
        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/public?local=true&limit=40"), "muted for a moment"));
        Assert.Single(await ArrayAsync(alice, "/api/v1/mutes"));

        await Task.Delay(1200);
        Assert.True(Has(await TextsAsync(alice, "/api/v1/timelines/public?local=true&limit=40"), "muted for a moment"));
        Assert.False((await RelationshipAsync(alice, bobId))["muting"]!.GetValue<bool>());
        Assert.Empty(await ArrayAsync(alice, "/api/v1/mutes"));

        // Loading the expired mute removed it from storage.
        var store = fixture.Server.Services.GetRequiredService<IDocumentStore>();
        var aliceId = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!["id"]!.GetValue<string>();
        Assert.Null(await store.ReadAsync(Containers.Follows, Serverless.Core.Safety.MuteRecord.Partition(aliceId), bobId, StoreJsonContext.Default.MuteRecord, CancellationToken.None));
    }

    [Fact]
    public async Task A_negative_duration_is_refused()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (_, bobId, _) = await fixture.UserAsync("bob");
        using var response = await alice.PostAsJsonAsync($"/api/v1/accounts/{bobId}/mute", new JsonObject { ["duration"] = -5 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task A_silenced_account_leaves_public_and_tag_timelines_except_for_its_followers()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (dave, _, _) = await fixture.UserAsync("dave");
        var (eve, eveId, _) = await fixture.UserAsync("eve");
        await PostAsync(dave, $"/api/v1/accounts/{eveId}/follow");
        await StatusAsync(eve, "eve is limited #silencetag");
        await WaitForAsync(alice, "/api/v1/timelines/public?local=true&limit=40", "eve is limited");

        var store = fixture.Server.Services.GetRequiredService<IDocumentStore>();
        var eveRecord = (await store.ReadAsync(Containers.Accounts, eveId, eveId, StoreJsonContext.Default.AccountRecord, CancellationToken.None))!.Value;
        await store.UpsertAsync(Containers.Accounts, eveId, eveId, eveRecord with { SilencedAt = DateTimeOffset.UtcNow }, StoreJsonContext.Default.AccountRecord, ifMatch: null, CancellationToken.None);

        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/public?local=true&limit=40"), "eve is limited"));
        Assert.False(Has(await TextsAsync(alice, "/api/v1/timelines/tag/silencetag"), "eve is limited"));
        Assert.False(Has(await TextsAsync(fixture.Server.Client, "/api/v1/timelines/public?limit=40"), "eve is limited"));
        Assert.True(Has(await TextsAsync(dave, "/api/v1/timelines/public?local=true&limit=40"), "eve is limited"));
        Assert.True(Has(await TextsAsync(dave, "/api/v1/timelines/tag/silencetag"), "eve is limited"));
        Assert.True(Has(await TextsAsync(eve, "/api/v1/timelines/public?local=true&limit=40"), "eve is limited"));

        // Outside public feeds (her profile) she is still there.
        Assert.True(Has(await TextsAsync(alice, $"/api/v1/accounts/{eveId}/statuses"), "eve is limited"));
        _ = typeof(AccountRecord);
    }
}
