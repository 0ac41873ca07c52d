using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Moderation;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Federation;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Moderation;

/// <summary>Moderation across two federated instances: a forwarded report, and a domain suspension.</summary>
public sealed class ModerationFederationTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_report_forwarded_as_a_flag_becomes_a_report_on_the_other_server()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var (secondAdmin, _) = await Staff.SignUpAsync(_pair.Second, "boss");
        var post = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Something reportable" });
        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        var remotePostId = await ResolveStatusAsync(alice, post["uri"]!.GetValue<string>());
        Assert.NotNull(remotePostId);

        var report = await StandaloneServer.PostJsonAsync(alice, "/api/v1/reports", new JsonObject
        {
            ["account_id"] = bobId,
            ["status_ids"] = new JsonArray(remotePostId),
            ["comment"] = "Spam from over there",
            ["forward"] = true,
        });
        Assert.True(report["forwarded"]!.GetValue<bool>());

        // On bob's server: a report by the first server's instance actor, of bob and his status, with the comment.
        var received = await StandaloneServer.EventuallyAsync(async () => (await secondAdmin.GetFromJsonAsync<JsonArray>("/api/v1/admin/reports"))!.FirstOrDefault());
        Assert.Equal(bobAccount["id"]!.GetValue<string>(), received["target_account"]!["id"]!.GetValue<string>());
        Assert.Equal("Spam from over there", received["comment"]!.GetValue<string>());
        Assert.Equal(post["id"]!.GetValue<string>(), received["statuses"]![0]!["id"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{_pair.First.Port}", received["account"]!["domain"]!.GetValue<string>());

        // Not forwarded unless asked: the other server hears nothing more.
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["comment"] = "kept here" });
        await Task.Delay(500);
        Assert.Single((await secondAdmin.GetFromJsonAsync<JsonArray>("/api/v1/admin/reports"))!);
    }

    [Fact]
    public async Task Flags_from_a_domain_blocked_with_reject_reports_are_ignored()
    {
        var (admin, _) = await Staff.SignUpAsync(_pair.First, "boss");
        var (alice, aliceAccount) = await _pair.First.SignUpAsync("alice");
        var (_, bobAccount) = await _pair.Second.SignUpAsync("bob");
        await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = $"127.0.0.1:{_pair.Second.Port}", ["severity"] = "noop", ["reject_reports"] = true });

        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        Assert.Equal(HttpStatusCode.Accepted, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = bobActor.NewId("flags"),
            ["type"] = "Flag",
            ["object"] = new JsonArray($"http://127.0.0.1:{_pair.First.Port}/users/alice"),
        }));
        await Task.Delay(500);
        Assert.Empty(await _pair.First.Services.GetRequiredService<ReportService>().RecentAsync(10, CancellationToken.None));
        _ = aliceAccount;
    }

    [Fact]
    public async Task A_domain_suspension_stops_delivery_both_ways_and_purges_the_cached_content()
    {
        var (admin, _) = await Staff.SignUpAsync(_pair.First, "boss");
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, bobAccount) = await _pair.Second.SignUpAsync("bob");
        var (carol, _) = await _pair.Second.SignUpAsync("carol");

        // Alice follows bob and sees his post; carol follows alice and sees hers.
        var bobId = await InteractionsFederationTests.FollowAsync(alice, _pair.Second, "bob");
        await InteractionsFederationTests.FollowAsync(carol, _pair.First, "alice");
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Before the block" });
        var cached = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Before the block");
        var cachedId = cached["id"]!.GetValue<string>();
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Hello carol" });
        await WaitForStatusAsync(carol, "/api/v1/timelines/home", "Hello carol");

        var domain = $"127.0.0.1:{_pair.Second.Port}";
        await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = domain, ["severity"] = "suspend" });

        // The purge: bob is suspended, his status is gone, and the follows both ways are removed.
        await StandaloneServer.EventuallyAsync(async () => (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!["suspended"]!.GetValue<bool>() ? "yes" : null);
        await StandaloneServer.EventuallyAsync(async () => (await alice.GetAsync($"/api/v1/statuses/{cachedId}")).StatusCode == HttpStatusCode.NotFound ? "gone" : null);
        await StandaloneServer.EventuallyAsync(async () => (await TimelineAsync(alice, "/api/v1/timelines/home")).All(s => s!["id"]!.GetValue<string>() != cachedId) ? "gone" : null);
        await StandaloneServer.EventuallyAsync(async () => !(await RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? "unfollowed" : null);
        var remote = (await admin.GetFromJsonAsync<JsonArray>($"/api/v1/admin/accounts?by_domain={domain}"))!;
        Assert.All(remote, a => Assert.True(a!["suspended"]!.GetValue<bool>()));
        Assert.Contains(remote, a => a!["username"]!.GetValue<string>() == "carol");

        // Nothing goes out to the domain: alice's next post never reaches carol.
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "After the block" });

        // Nothing comes in from it: bob's signed activities are refused, and his new posts never reach alice.
        var bobActor = await SignedActor.OfAsync(_pair.Second, bobAccount);
        Assert.Equal(HttpStatusCode.Forbidden, await bobActor.SendAsync(_pair.First, new JsonObject
        {
            ["id"] = bobActor.NewId("follows"),
            ["type"] = "Follow",
            ["object"] = $"http://127.0.0.1:{_pair.First.Port}/users/alice",
        }));
        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "After the block, from bob" });

        // The resolver does not fetch from it either.
        using (var search = await alice.GetAsync($"/api/v2/search?q={Uri.EscapeDataString("@dave@" + domain)}&resolve=true&type=accounts"))
        {
            Assert.Empty((await search.Content.ReadFromJsonAsync<JsonObject>())!["accounts"]!.AsArray());
        }

        await Task.Delay(1500);
        Assert.DoesNotContain(await TimelineAsync(carol, "/api/v1/timelines/home"), s => s!["content"]!.GetValue<string>().Contains("After the block", StringComparison.Ordinal));
        Assert.DoesNotContain(await TimelineAsync(alice, "/api/v1/timelines/home"), s => s!["content"]!.GetValue<string>().Contains("from bob", StringComparison.Ordinal));
        Assert.DoesNotContain(await TimelineAsync(alice, "/api/v1/timelines/public"), s => s!["content"]!.GetValue<string>().Contains("from bob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silenced_domain_limits_its_accounts_and_lifting_it_restores_them()
    {
        var (admin, _) = await Staff.SignUpAsync(_pair.First, "boss");
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        await _pair.Second.SignUpAsync("bob");
        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        var block = await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = $"127.0.0.1:{_pair.Second.Port}", ["severity"] = "silence" });
        await StandaloneServer.EventuallyAsync(async () => (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!["silenced"]!.GetValue<bool>() ? "yes" : null);
        Assert.False((await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!["suspended"]!.GetValue<bool>());

        // A newly seen account of the silenced domain is silenced at once.
        await _pair.Second.SignUpAsync("dave");
        var daveId = await ResolveAsync(alice, Handle(_pair.Second, "dave"));
        Assert.True((await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{daveId}"))!["silenced"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/admin/domain_blocks/{block["id"]}")).StatusCode);
        await StandaloneServer.EventuallyAsync(async () => !(await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!["silenced"]!.GetValue<bool>() ? "yes" : null);
        _ = _pair.First.Services.GetRequiredService<AccountService>();
    }
}
