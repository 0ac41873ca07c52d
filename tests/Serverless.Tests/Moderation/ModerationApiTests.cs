using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Moderation;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Moderation;

/// <summary>The reports API and the admin API through the standalone host, as a client and a moderator see them.</summary>
public sealed class ModerationApiTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_report_reaches_the_moderators_who_assign_resolve_and_reopen_it()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (admin, adminAccount) = await Staff.SignUpAsync(_server, "boss");
        var bobId = bobAccount["id"]!.GetValue<string>();
        var post = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Buy my stuff" });
        var postId = post["id"]!.GetValue<string>();

        var report = await StandaloneServer.PostJsonAsync(alice, "/api/v1/reports", new JsonObject
        {
            ["account_id"] = bobId,
            ["status_ids"] = new JsonArray(postId),
            ["comment"] = "Spam",
            ["category"] = "spam",
        });
        Assert.Equal("spam", report["category"]!.GetValue<string>());
        Assert.Equal("Spam", report["comment"]!.GetValue<string>());
        Assert.False(report["action_taken"]!.GetValue<bool>());
        Assert.False(report["forwarded"]!.GetValue<bool>());
        Assert.Equal(postId, report["status_ids"]![0]!.GetValue<string>());
        Assert.Equal(bobId, report["target_account"]!["id"]!.GetValue<string>());
        var reportId = report["id"]!.GetValue<string>();

        // Only staff see reports, whatever scopes the token has; without admin scopes the token is refused first.
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/v1/admin/reports")).StatusCode);
        var (mallory, _) = await _server.SignUpAsync("mallory", Staff.Scopes);
        using (var refused = await mallory.GetAsync("/api/v1/admin/reports"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("This action is not allowed", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }

        using (var listed = await admin.GetAsync("/api/v1/admin/reports"))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            Assert.Contains("rel=\"next\"", listed.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
            var list = (await listed.Content.ReadFromJsonAsync<JsonArray>())!;
            var entry = Assert.Single(list)!;
            Assert.Equal(reportId, entry["id"]!.GetValue<string>());
            Assert.Equal("alice", entry["account"]!["username"]!.GetValue<string>());
            Assert.Equal("bob", entry["target_account"]!["account"]!["acct"]!.GetValue<string>());
            Assert.Equal("Buy my stuff", StripTags(entry["statuses"]![0]!["content"]!.GetValue<string>()));
            Assert.Null(entry["assigned_account"]);
        }

        var assigned = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/reports/{reportId}/assign_to_self", []);
        Assert.Equal(adminAccount["id"]!.GetValue<string>(), assigned["assigned_account"]!["id"]!.GetValue<string>());
        var unassigned = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/reports/{reportId}/unassign", []);
        Assert.Null(unassigned["assigned_account"]);

        var resolved = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/reports/{reportId}/resolve", []);
        Assert.True(resolved["action_taken"]!.GetValue<bool>());
        Assert.NotNull(resolved["action_taken_at"]);
        Assert.Equal("boss", resolved["action_taken_by_account"]!["username"]!.GetValue<string>());
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/reports"))!);
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/reports?resolved=true"))!);

        var reopened = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/reports/{reportId}/reopen", []);
        Assert.False(reopened["action_taken"]!.GetValue<bool>());
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>($"/api/v1/admin/reports?target_account_id={bobId}"))!);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>($"/api/v1/admin/reports?account_id={bobId}"))!);
        Assert.Equal(reportId, (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/reports/{reportId}"))!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/admin/reports/12345")).StatusCode);
    }

    [Fact]
    public async Task Reports_are_checked_as_Mastodon_checks_them()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (_, bobAccount) = await _server.SignUpAsync("bob");
        var bobId = bobAccount["id"]!.GetValue<string>();
        var alicePost = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "mine" });
        var rule = await _server.Services.GetRequiredService<RuleService>().CreateAsync("Be kind", "No insults", CancellationToken.None);

        // Someone else's status, an unknown account, a bad category, an unknown rule, a comment too long.
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["status_ids"] = new JsonArray(alicePost["id"]!.GetValue<string>()) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = "999999" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await alice.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["category"] = "rude" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await alice.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["rule_ids"] = new JsonArray("42") })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await alice.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["comment"] = new string('x', 1001) })).StatusCode);

        // Citing a rule makes it a violation; the rules are the instance's.
        var report = await StandaloneServer.PostJsonAsync(alice, "/api/v1/reports", new JsonObject { ["account_id"] = bobId, ["rule_ids"] = new JsonArray(rule.Id) });
        Assert.Equal("violation", report["category"]!.GetValue<string>());
        Assert.Equal(rule.Id, report["rule_ids"]![0]!.GetValue<string>());
        var rules = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/instance/rules"))!;
        Assert.Equal("Be kind", Assert.Single(rules)!["text"]!.GetValue<string>());
        Assert.Equal("No insults", rules[0]!["hint"]!.GetValue<string>());
        Assert.Equal(rule.Id, (await _server.Client.GetFromJsonAsync<JsonObject>("/api/v1/instance"))!["rules"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(rule.Id, (await _server.Client.GetFromJsonAsync<JsonObject>("/api/v2/instance"))!["rules"]![0]!["id"]!.GetValue<string>());

        // A token without write:reports is refused.
        var (readOnly, _) = await _server.SignUpAsync("carol", "read write:accounts");
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsJsonAsync("/api/v1/reports", new JsonObject { ["account_id"] = bobId })).StatusCode);
        _ = aliceAccount;
    }

    [Fact]
    public async Task Suspending_a_local_account_refuses_its_token_and_hides_nothing_from_moderators()
    {
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (admin, _) = await Staff.SignUpAsync(_server, "boss", UserRole.Moderator);
        var bobId = bobAccount["id"]!.GetValue<string>();

        var shown = (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!;
        Assert.Equal("bob", shown["username"]!.GetValue<string>());
        Assert.Equal("bob@example.com", shown["email"]!.GetValue<string>());
        Assert.False(shown["suspended"]!.GetValue<bool>());
        Assert.True(shown["approved"]!.GetValue<bool>());

        await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "suspend" });
        using (var refused = await bob.GetAsync("/api/v1/accounts/verify_credentials"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Your login is currently disabled", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }

        Assert.True((await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!["suspended"]!.GetValue<bool>());
        var suspended = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?suspended=true"))!;
        Assert.Equal(bobId, Assert.Single(suspended)!["id"]!.GetValue<string>());
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?active=true"))!, a => a!["id"]!.GetValue<string>() == bobId);

        var restored = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/unsuspend", []);
        Assert.False(restored["suspended"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        // Silence, sensitive and disable, each reversible.
        await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "silence" });
        await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "sensitive" });
        var limited = (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/accounts/{bobId}"))!;
        Assert.True(limited["silenced"]!.GetValue<bool>());
        Assert.True(limited["sensitized"]!.GetValue<bool>());
        Assert.Equal(bobId, Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?silenced=true"))!)!["id"]!.GetValue<string>());
        Assert.False((await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/unsilence", []))["silenced"]!.GetValue<bool>());
        Assert.False((await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/unsensitive", []))["sensitized"]!.GetValue<bool>());
        await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "disable" });
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);
        Assert.False((await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{bobId}/enable", []))["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        // Bad input, and nobody acts on themselves or on staff above them.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync($"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "banish" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/v1/admin/accounts/424242/action", new JsonObject { ["type"] = "suspend" })).StatusCode);
        var (_, ownerAccount) = await Staff.SignUpAsync(_server, "owner", UserRole.Owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/v1/admin/accounts/{ownerAccount["id"]}/action", new JsonObject { ["type"] = "suspend" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/v1/admin/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync($"/api/v1/admin/accounts/{bobId}/action", new JsonObject { ["type"] = "none" })).StatusCode);
    }

    [Fact]
    public async Task Admin_account_lists_filter_and_page_with_link_headers()
    {
        var (admin, adminAccount) = await Staff.SignUpAsync(_server, "boss");
        var ids = new List<string>();
        foreach (var name in new[] { "ann", "ben", "cat" })
        {
            ids.Add((await _server.SignUpAsync(name)).Account["id"]!.GetValue<string>());
        }

        using var first = await admin.GetAsync("/api/v1/admin/accounts?local=true&limit=2");
        var page = (await first.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal([ids[2], ids[1]], page.Select(a => a!["id"]!.GetValue<string>()));
        var link = first.Headers.GetValues("Link").Single();
        var next = link.Split(',')[0].Trim().TrimStart('<').Split('>')[0];
        Assert.StartsWith($"http://127.0.0.1:{_server.Port}/api/v1/admin/accounts?", next, StringComparison.Ordinal);
        var rest = (await admin.GetFromJsonAsync<JsonArray>(next))!;
        Assert.Equal([ids[0], adminAccount["id"]!.GetValue<string>()], rest.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?remote=true"))!);
    }

    [Fact]
    public async Task Domain_blocks_and_allows_are_managed_and_the_public_list_obfuscates()
    {
        var (admin, _) = await Staff.SignUpAsync(_server, "boss");
        var (user, _) = await _server.SignUpAsync("alice");
        var block = await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject
        {
            ["domain"] = "Spam.Example",
            ["severity"] = "suspend",
            ["reject_media"] = true,
            ["public_comment"] = "Spam factory",
            ["private_comment"] = "see ticket 12",
            ["obfuscate"] = true,
        });
        Assert.Equal("spam.example", block["domain"]!.GetValue<string>());
        Assert.Equal("suspend", block["severity"]!.GetValue<string>());
        Assert.True(block["reject_media"]!.GetValue<bool>());
        Assert.Equal(64, block["digest"]!.GetValue<string>().Length);
        var blockId = block["id"]!.GetValue<string>();
        await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = "quiet.example", ["severity"] = "noop", ["reject_reports"] = true });
        var silenced = await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = "loud.example" });
        Assert.Equal("silence", silenced["severity"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = "spam.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = "x.example", ["severity"] = "nuke" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsync("/api/v1/admin/domain_blocks", new JsonObject { ["domain"] = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/admin/domain_blocks")).StatusCode);

        using (var listed = await admin.GetAsync("/api/v1/admin/domain_blocks?limit=2"))
        {
            var list = (await listed.Content.ReadFromJsonAsync<JsonArray>())!;
            Assert.Equal(["loud.example", "quiet.example"], list.Select(b => b!["domain"]!.GetValue<string>()));
            Assert.Contains("max_id=", listed.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        }

        Assert.Equal("see ticket 12", (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/domain_blocks/{blockId}"))!["private_comment"]!.GetValue<string>());
        var updated = (await (await admin.PutAsJsonAsync($"/api/v1/admin/domain_blocks/{blockId}", new JsonObject { ["public_comment"] = "Spam, still" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Spam, still", updated["public_comment"]!.GetValue<string>());
        Assert.Equal("suspend", updated["severity"]!.GetValue<string>());
        Assert.True(await _server.Services.GetRequiredService<DomainBlockService>().IsSuspendedAsync("media.spam.example", CancellationToken.None));

        // The public list: no noop blocks, the obfuscated domain masked, its digest the real one's.
        var shown = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/instance/domain_blocks"))!;
        Assert.Equal(2, shown.Count);
        var masked = shown.Single(b => b!["severity"]!.GetValue<string>() == "suspend")!;
        Assert.Equal("spam.****ple", masked["domain"]!.GetValue<string>());
        Assert.Equal(block["digest"]!.GetValue<string>(), masked["digest"]!.GetValue<string>());
        Assert.Equal("Spam, still", masked["comment"]!.GetValue<string>());

        using (var deleted = await admin.DeleteAsync($"/api/v1/admin/domain_blocks/{blockId}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("{}", await deleted.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/admin/domain_blocks/{blockId}")).StatusCode);
        Assert.False(await _server.Services.GetRequiredService<DomainBlockService>().IsSuspendedAsync("spam.example", CancellationToken.None));

        // Allows.
        var allow = await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_allows", new JsonObject { ["domain"] = "friends.example" });
        Assert.Equal("friends.example", allow["domain"]!.GetValue<string>());
        Assert.Equal(allow["id"]!.GetValue<string>(), (await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_allows", new JsonObject { ["domain"] = "friends.example" }))["id"]!.GetValue<string>());
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/domain_allows"))!);
        Assert.Equal("friends.example", (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/admin/domain_allows/{allow["id"]}"))!["domain"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/admin/domain_allows/{allow["id"]}")).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/domain_allows"))!);
    }

    [Fact]
    public async Task Pending_sign_ups_are_approved_or_rejected()
    {
        var (admin, _) = await Staff.SignUpAsync(_server, "boss");
        await _server.RestartAsync(new Dictionary<string, string?> { ["REGISTRATIONS_MODE"] = "approval" });
        var (dana, danaId) = await RegisterPendingAsync("dana");
        var (_, eveId) = await RegisterPendingAsync("eve");
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        var pending = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?pending=true"))!;
        Assert.Equal([eveId, danaId], pending.Select(a => a!["id"]!.GetValue<string>()));
        Assert.All(pending, a => Assert.False(a!["approved"]!.GetValue<bool>()));

        var approved = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{danaId}/approve", []);
        Assert.True(approved["approved"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await dana.GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/v1/admin/accounts/{danaId}/approve", new JsonObject())).StatusCode);

        var rejected = await StandaloneServer.PostJsonAsync(admin, $"/api/v1/admin/accounts/{eveId}/reject", []);
        Assert.Equal("eve", rejected["username"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/admin/accounts/{eveId}")).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?pending=true"))!);

        // The rejected username and email are free again.
        var (_, againId) = await RegisterPendingAsync("eve");
        Assert.NotEqual(eveId, againId);
    }

    [Fact]
    public async Task In_limited_federation_mode_only_allowed_domains_federate()
    {
        await _server.RestartAsync(new Dictionary<string, string?> { ["LIMITED_FEDERATION_MODE"] = "true" });
        var (admin, _) = await Staff.SignUpAsync(_server, "boss");
        var domains = _server.Services.GetRequiredService<DomainBlockService>();
        Assert.True(await domains.IsSuspendedAsync("anywhere.example", CancellationToken.None));
        await StandaloneServer.PostJsonAsync(admin, "/api/v1/admin/domain_allows", new JsonObject { ["domain"] = "friends.example" });
        Assert.False(await domains.IsSuspendedAsync("friends.example", CancellationToken.None));
        Assert.False(await domains.IsSuspendedAsync("social.friends.example", CancellationToken.None));
        Assert.True(await domains.IsSuspendedAsync("anywhere.example", CancellationToken.None));
    }

    /// <summary>Signs up through the API while registrations need approval: the token comes back, but is not usable yet.</summary>
    private async Task<(HttpClient Client, string AccountId)> RegisterPendingAsync(string username)
    {
        var app = await StandaloneServer.PostJsonAsync(_server.Client, "/api/v1/apps", new JsonObject { ["client_name"] = "tests", ["redirect_uris"] = "urn:ietf:wg:oauth:2.0:oob", ["scopes"] = "read write" });
        var appToken = await StandaloneServer.PostJsonAsync(_server.Client, "/oauth/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app["client_id"]!.GetValue<string>(),
            ["client_secret"] = app["client_secret"]!.GetValue<string>(),
            ["scope"] = "read write",
        });
        using var asApp = _server.Authorized(appToken["access_token"]!.GetValue<string>());
        var token = await StandaloneServer.PostJsonAsync(asApp, "/api/v1/accounts", new JsonObject
        {
            ["username"] = username,
            ["email"] = $"{username}@example.com",
            ["password"] = "a long enough password",
            ["agreement"] = true,
            ["reason"] = "Let me in",
        });
        var id = await _server.Services.GetRequiredService<AccountService>().FindLocalAsync(username, CancellationToken.None);
        return (_server.Authorized(token["access_token"]!.GetValue<string>()), id!.Id);
    }

    private static string StripTags(string html) => System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "");
}
