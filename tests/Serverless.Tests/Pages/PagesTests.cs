using System.Net;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Pages;

/// <summary>The small server-rendered pages that ActivityPub documents link to: hashtags, about, authorize_interaction.</summary>
public sealed class PagesTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["SITE_TITLE"] = "Test <Instance>" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_hashtag_page_lists_public_posts_only()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Public words #Gardening" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Unlisted words #gardening", ["visibility"] = "unlisted" });
        await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Private words #gardening", ["visibility"] = "private" });

        var html = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = await _server.Client.GetStringAsync("/tags/gardening");
            return page.Contains("Public words", StringComparison.Ordinal) ? page : null;
        });
        Assert.Contains("<title>#gardening - Test &lt;Instance&gt;</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Unlisted words", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Private words", html, StringComparison.Ordinal);
        Assert.Contains("No public posts yet", await _server.Client.GetStringAsync("/tags/nothinghere"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task About_and_authorize_interaction_pages_answer()
    {
        using var about = await _server.Client.GetAsync("/about/more?instance_actor=true");
        Assert.Equal(HttpStatusCode.OK, about.StatusCode);
        Assert.Equal("text/html", about.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h1>Test &lt;Instance&gt;</h1>", await about.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var interaction = await _server.Client.GetStringAsync("/authorize_interaction?uri=" + Uri.EscapeDataString("https://remote.example/@bob/1<script>"));
        Assert.Contains("https://remote.example/@bob/1&lt;script&gt;", interaction, StringComparison.Ordinal);
        using var missing = await _server.Client.GetAsync("/authorize_interaction");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
