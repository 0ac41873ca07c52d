using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Core.Accounts;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Moderation;

/// <summary>The admin pages as a browser uses them: sign-in with a session cookie, anti-forgery tokens, staff only.</summary>
public sealed partial class AdminPagesTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_moderator_signs_in_resolves_a_report_and_blocks_a_domain()
    {
        await Staff.SignUpAsync(_server, "boss", UserRole.Moderator);
        var (alice, _) = await _server.SignUpAsync("alice");
        var (_, bob) = await _server.SignUpAsync("bob");
        var report = await StandaloneServer.PostJsonAsync(alice, "/api/v1/reports", new JsonObject { ["account_id"] = bob["id"]!.GetValue<string>(), ["comment"] = "Rude to me" });

        using var browser = Browser();
        using (var first = await browser.GetAsync("/moderation/reports"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
            var html = await first.Content.ReadAsStringAsync();
            Assert.Contains("id=\"sign-in\"", html, StringComparison.Ordinal);
            Assert.Equal("DENY", first.Headers.GetValues("X-Frame-Options").Single());

            // A form without its token is refused; with it, the wrong password is refused.
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/moderation/sign_in", Form(("login", "boss"), ("password", "a long enough password")))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/moderation/sign_in", Form(("login", "boss"), ("password", "wrong"), ("authenticity_token", Token(html))))).StatusCode);
            using var signedIn = await browser.PostAsync("/moderation/sign_in", Form(("login", "boss"), ("password", "a long enough password"), ("authenticity_token", Token(html)), ("return_to", "/moderation/reports")));
            Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
            Assert.Equal("/moderation/reports", signedIn.Headers.Location!.OriginalString);
            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("_serverless_moderation=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/moderation", cookie, StringComparison.OrdinalIgnoreCase);
        }

        var page = await browser.GetStringAsync("/moderation/reports");
        Assert.Contains("Rude to me", page, StringComparison.Ordinal);
        Assert.Contains("@bob", page, StringComparison.Ordinal);
        var reportId = report["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync($"/moderation/reports/{reportId}/resolve", Form(("authenticity_token", "forged")))).StatusCode);
        using (var resolved = await browser.PostAsync($"/moderation/reports/{reportId}/resolve", Form(("authenticity_token", Token(page)))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, resolved.StatusCode);
        }

        Assert.Contains("No open reports", await browser.GetStringAsync("/moderation/reports"), StringComparison.Ordinal);

        var blocks = await browser.GetStringAsync("/moderation/domain_blocks");
        using (var added = await browser.PostAsync("/moderation/domain_blocks", Form(("domain", "bad.example"), ("severity", "suspend"), ("reject_media", "true"), ("public_comment", "Harassment"), ("authenticity_token", Token(blocks)))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        }

        blocks = await browser.GetStringAsync("/moderation/domain_blocks");
        Assert.Contains("bad.example", blocks, StringComparison.Ordinal);
        Assert.Contains("Harassment", blocks, StringComparison.Ordinal);
        using (var duplicate = await browser.PostAsync("/moderation/domain_blocks", Form(("domain", "bad.example"), ("severity", "suspend"), ("authenticity_token", Token(blocks)))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
            Assert.Contains("has already been taken", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Server rules: added on the page, listed by the API and cited by reports.
        var rules = await browser.GetStringAsync("/moderation/rules");
        Assert.Contains("No rules yet", rules, StringComparison.Ordinal);
        using (var added = await browser.PostAsync("/moderation/rules", Form(("text", "No spam"), ("hint", "Ads included"), ("authenticity_token", Token(rules)))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        }

        var listedRules = (await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/instance/rules"))!;
        Assert.Equal("No spam", Assert.Single(listedRules)!["text"]!.GetValue<string>());
        rules = await browser.GetStringAsync("/moderation/rules");
        using (var removed = await browser.PostAsync($"/moderation/rules/{listedRules[0]!["id"]}/delete", Form(("authenticity_token", Token(rules)))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        }

        Assert.Empty((await _server.Client.GetFromJsonAsync<JsonArray>("/api/v1/instance/rules"))!);

        // The block is the API's too.
        var (admin, _) = await Staff.SignUpAsync(_server, "owner", UserRole.Owner);
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/domain_blocks"))!;
        Assert.Equal("suspend", Assert.Single(listed)!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_user_without_a_staff_role_is_turned_away()
    {
        await _server.SignUpAsync("alice");
        using var browser = Browser();
        var html = await (await browser.GetAsync("/moderation/domain_blocks")).Content.ReadAsStringAsync();
        using var response = await browser.PostAsync("/moderation/sign_in", Form(("login", "alice"), ("password", "a long enough password"), ("authenticity_token", Token(html))));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/moderation/domain_blocks")).StatusCode);
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _server.Client.BaseAddress };

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static string Token(string html) => WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"authenticity_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
