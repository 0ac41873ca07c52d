using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Pages;

/// <summary>
/// The public profile and status pages (<c>/@user</c>, <c>/@user/:id</c>) as a signed-out browser and
/// a link-preview crawler see them: OpenGraph tags, the ActivityPub alternate, <c>rel="me"</c> links,
/// and nothing that visibility hides.
/// </summary>
public sealed class PublicPagesTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Base => _server.Client.BaseAddress!.ToString().TrimEnd('/');

    private string Domain => _server.Client.BaseAddress!.Authority;

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private async Task<string> HtmlAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await _server.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        }

        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_profile_page_shows_the_profile_its_public_posts_and_preview_tags()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("Alice <Liddell>"), "display_name");
            form.Add(new StringContent("Down the rabbit hole."), "note");
            form.Add(new StringContent("Website"), "fields_attributes[0][name]");
            form.Add(new StringContent("https://alice.example/home"), "fields_attributes[0][value]");
            using var response = await alice.PatchAsync("/api/v1/accounts/update_credentials", form);
            response.EnsureSuccessStatusCode();
            var fields = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["fields"]!.AsArray();
            Assert.Contains("rel=\"nofollow noopener me\"", Str(fields[0]!["value"]), StringComparison.Ordinal);
        }

        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "A public thought" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "An unlisted thought", ["visibility"] = "unlisted" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "A followers-only secret", ["visibility"] = "private" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "@alice a direct secret", ["visibility"] = "direct" });

        var html = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = await HtmlAsync("/@alice");
            return page.Contains("An unlisted thought", StringComparison.Ordinal) ? page : null;
        });
        Assert.Contains("A public thought", html, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", html, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"display-name\">Alice &lt;Liddell&gt;</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"<meta property=\"og:title\" content=\"Alice &lt;Liddell&gt; (@alice@{Domain})\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta property=\"og:type\" content=\"profile\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta property=\"og:description\" content=\"Down the rabbit hole.\">", html, StringComparison.Ordinal);
        Assert.Contains($"<link rel=\"alternate\" type=\"application/activity+json\" href=\"{Base}/users/alice\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://alice.example/home\" target=\"_blank\" rel=\"nofollow noopener me\"", html, StringComparison.Ordinal);

        // The actor URL serves the same page to browsers.
        Assert.Contains("A public thought", await HtmlAsync("/users/alice"), StringComparison.Ordinal);
        await HtmlAsync("/@nobody", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_status_page_serves_public_and_unlisted_posts_and_hides_the_rest()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var shown = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Tea at four #party", ["spoiler_text"] = "Plans" });
        var unlisted = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Quietly said", ["visibility"] = "unlisted" });
        var hidden = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Only followers", ["visibility"] = "private" });
        var direct = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "@alice only me", ["visibility"] = "direct" });

        var html = await HtmlAsync($"/@alice/{Str(shown["id"])}");
        Assert.Contains("Tea at four", html, StringComparison.Ordinal);
        Assert.Contains("<meta property=\"og:type\" content=\"article\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta property=\"og:description\" content=\"Content warning: Plans\">", html, StringComparison.Ordinal);
        Assert.Contains($"<link rel=\"alternate\" type=\"application/activity+json\" href=\"{Base}/users/alice/statuses/{Str(shown["id"])}\">", html, StringComparison.Ordinal);
        Assert.Contains("<summary class=\"spoiler\">Plans</summary>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("noindex", html, StringComparison.Ordinal);

        var quiet = await HtmlAsync($"/@alice/{Str(unlisted["id"])}");
        Assert.Contains("Quietly said", quiet, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"robots\" content=\"noindex, noarchive\">", quiet, StringComparison.Ordinal);

        Assert.DoesNotContain("Only followers", await HtmlAsync($"/@alice/{Str(hidden["id"])}", HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.DoesNotContain("only me", await HtmlAsync($"/@alice/{Str(direct["id"])}", HttpStatusCode.NotFound), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_avatar_and_header_that_accounts_point_at_are_images()
    {
        var (_, account) = await _server.SignUpAsync("alice");
        foreach (var field in new[] { "avatar", "header" })
        {
            using var response = await _server.Client.GetAsync(new Uri(Str(account[field])).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }

    [Fact]
    public async Task A_suspended_accounts_pages_are_gone()
    {
        var (alice, account) = await _server.SignUpAsync("alice");
        var status = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Before the fall" });
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var id = Str(account["id"]);
        var record = (await store.ReadAsync(Containers.Accounts, id, id, StoreJsonContext.Default.AccountRecord, CancellationToken.None))!.Value;
        await store.UpsertAsync(Containers.Accounts, id, id, record with { SuspendedAt = DateTimeOffset.UtcNow }, StoreJsonContext.Default.AccountRecord, null, CancellationToken.None);

        Assert.DoesNotContain("Before the fall", await HtmlAsync("/@alice", HttpStatusCode.Gone), StringComparison.Ordinal);
        Assert.DoesNotContain("Before the fall", await HtmlAsync($"/@alice/{Str(status["id"])}", HttpStatusCode.NotFound), StringComparison.Ordinal);
    }
}
