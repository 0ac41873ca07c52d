using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Moderation;

/// <summary>The admin account lists (v1 and v2) filter by username, display name, email, staff and domain, as a moderator sees them.</summary>
public sealed class AdminAccountFiltersTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<string[]> UsernamesAsync(HttpClient admin, string path) =>
        (await admin.GetFromJsonAsync<JsonArray>(path))!.Select(a => a!["username"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Admin_account_lists_honour_username_display_name_email_staff_and_domain()
    {
        var (admin, _) = await Staff.SignUpAsync(_server, "boss");
        await Staff.SignUpAsync(_server, "warden", UserRole.Moderator);
        var (alice, _) = await _server.SignUpAsync("alice");
        await _server.SignUpAsync("alfred");
        await _server.SignUpAsync("bob");
        await _server.SaveRemoteAccountAsync("alex", "remote.example");
        using (var renamed = await alice.PatchAsJsonAsync("/api/v1/accounts/update_credentials", new JsonObject { ["display_name"] = "Wonderland Alice" }))
        {
            renamed.EnsureSuccessStatusCode();
        }

        // Username and display name: case-insensitive prefixes, local and remote alike.
        Assert.Equal(["alex", "alfred", "alice"], await UsernamesAsync(admin, "/api/v1/admin/accounts?username=AL"));
        Assert.Equal(["alfred", "alice"], await UsernamesAsync(admin, "/api/v1/admin/accounts?username=al&local=true"));
        Assert.Equal(["alice"], await UsernamesAsync(admin, "/api/v1/admin/accounts?display_name=wonderland"));
        Assert.Empty(await UsernamesAsync(admin, "/api/v1/admin/accounts?display_name=alice"));

        // Email and staff belong to logins, so only local accounts match.
        Assert.Equal(["bob"], await UsernamesAsync(admin, "/api/v1/admin/accounts?email=BOB@"));
        Assert.Equal(["alex"], await UsernamesAsync(admin, "/api/v1/admin/accounts?by_domain=remote.example"));
        Assert.Equal(["boss", "warden"], await UsernamesAsync(admin, "/api/v1/admin/accounts?staff=true"));
        var shown = Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/accounts?email=alice@example.com"))!)!;
        Assert.Equal("alice@example.com", shown["email"]!.GetValue<string>());

        // v2 names the same filters differently.
        Assert.Equal(["boss", "warden"], await UsernamesAsync(admin, "/api/v2/admin/accounts?permissions=staff"));
        Assert.Equal(["alfred", "alice"], await UsernamesAsync(admin, "/api/v2/admin/accounts?origin=local&username=al"));
        Assert.Equal(["alex"], await UsernamesAsync(admin, "/api/v2/admin/accounts?origin=remote&username=al"));
        Assert.Equal(["alex"], await UsernamesAsync(admin, "/api/v2/admin/accounts?by_domain=remote.example"));
        Assert.Equal(["alice"], await UsernamesAsync(admin, "/api/v2/admin/accounts?status=active&display_name=Wonder"));
        using (var unknown = await admin.GetAsync("/api/v2/admin/accounts?origin=elsewhere"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Equal("Unknown origin: elsewhere", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }

        // A filtered page links onwards with the filter kept, newest first.
        using var first = await admin.GetAsync("/api/v1/admin/accounts?username=al&local=true&limit=1");
        Assert.Equal("alfred", Assert.Single((await first.Content.ReadFromJsonAsync<JsonArray>())!)!["username"]!.GetValue<string>());
        var next = first.Headers.GetValues("Link").Single().Split(',')[0].Trim().TrimStart('<').Split('>')[0];
        Assert.Contains("username=al", next, StringComparison.Ordinal);
        Assert.Equal(["alice"], await UsernamesAsync(admin, new Uri(next).PathAndQuery));

        // Still moderators only.
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/v2/admin/accounts")).StatusCode);
    }
}
