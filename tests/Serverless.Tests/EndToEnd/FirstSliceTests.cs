using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Tests.EndToEnd;

/// <summary>The first slice over real HTTP against the standalone host.</summary>
public sealed class FirstSliceTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_new_status_reaches_the_home_timeline_through_the_fanout_queue()
    {
        var (alice, account) = await _server.SignUpAsync("alice");
        var posted = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Hello <world> & friends" });
        Assert.Equal("<p>Hello &lt;world&gt; &amp; friends</p>", posted["content"]!.GetValue<string>());
        Assert.Equal(account["id"]!.GetValue<string>(), posted["account"]!["id"]!.GetValue<string>());

        var home = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home");
            return page!.Count > 0 ? page : null;
        });
        Assert.Equal(posted["id"]!.GetValue<string>(), home[0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accounts_statuses_and_queued_work_survive_a_restart()
    {
        var (alice, _) = await _server.SignUpAsync("carol");
        var token = alice.DefaultRequestHeaders.Authorization!.Parameter!;

        // A web-only host: the fanout message is queued but nothing runs it before the restart.
        await _server.RestartAsync(new Dictionary<string, string?> { ["RUN_QUEUE_WORKERS"] = "false" });
        var posted = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "before restart" });
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home"))!);
        await _server.RestartAsync(new Dictionary<string, string?> { ["RUN_QUEUE_WORKERS"] = "true" });

        using var again = _server.Authorized(token);
        var me = await again.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials");
        Assert.Equal("carol", me!["username"]!.GetValue<string>());
        var status = await again.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{posted["id"]}");
        Assert.Equal("<p>before restart</p>", status!["content"]!.GetValue<string>());
        var home = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = await again.GetFromJsonAsync<JsonArray>("/api/v1/timelines/home");
            return page!.Count > 0 ? page : null;
        });
        Assert.Equal(posted["id"]!.GetValue<string>(), home[0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apps_accept_form_and_multipart_bodies_as_well_as_json()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_name"] = "Tusky",
            ["redirect_uris"] = "oauth2redirect://com.keylesspalace.tusky/",
            ["scopes"] = "read write follow push",
        });
        using var formResponse = await _server.Client.PostAsync("/api/v1/apps", form);
        var formApp = await formResponse.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, formResponse.StatusCode);
        Assert.Equal("Tusky", formApp!["name"]!.GetValue<string>());
        Assert.Equal("oauth2redirect://com.keylesspalace.tusky/", formApp["redirect_uri"]!.GetValue<string>());

        using var multipart = new MultipartFormDataContent
        {
            { new StringContent("Ivory"), "client_name" },
            { new StringContent("com.tapbots.Ivory.19300:/request_token"), "redirect_uris" },
            { new StringContent("read write"), "scopes" },
        };
        using var multipartResponse = await _server.Client.PostAsync("/api/v1/apps", multipart);
        var multipartApp = await multipartResponse.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, multipartResponse.StatusCode);
        Assert.Equal(["read", "write"], multipartApp!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"client_name\":\"x\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"client_name\":\"x\",\"redirect_uris\":\"not a uri\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"client_name\":\"x\",\"redirect_uris\":\"urn:ietf:wg:oauth:2.0:oob\",\"scopes\":\"read everything\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    public async Task Bad_input_gets_a_mastodon_error_body(string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Client.PostAsync("/api/v1/apps", content);
        Assert.Equal(expected, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.False(string.IsNullOrEmpty(error!["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Taken_usernames_are_refused_with_details_and_leave_nothing_behind()
    {
        await _server.SignUpAsync("dave");
        var app = await StandaloneServer.PostJsonAsync(_server.Client, "/api/v1/apps", new JsonObject { ["client_name"] = "t", ["redirect_uris"] = "urn:ietf:wg:oauth:2.0:oob", ["scopes"] = "read write" });
        var token = await StandaloneServer.PostJsonAsync(_server.Client, "/oauth/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app["client_id"]!.GetValue<string>(),
            ["client_secret"] = app["client_secret"]!.GetValue<string>(),
            ["scope"] = "read write",
        });
        using var asApp = _server.Authorized(token["access_token"]!.GetValue<string>());

        using var taken = await asApp.PostAsJsonAsync("/api/v1/accounts", new JsonObject { ["username"] = "DAVE", ["email"] = "other@example.com", ["password"] = "long enough password", ["agreement"] = true });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        var body = await taken.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("ERR_TAKEN", body!["details"]!["username"]![0]!["error"]!.GetValue<string>());

        // The email of a refused sign-up is still free.
        using var emailTaken = await asApp.PostAsJsonAsync("/api/v1/accounts", new JsonObject { ["username"] = "erin", ["email"] = "dave@example.com", ["password"] = "long enough password", ["agreement"] = true });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, emailTaken.StatusCode);
        using var erin = await asApp.PostAsJsonAsync("/api/v1/accounts", new JsonObject { ["username"] = "erin", ["email"] = "other@example.com", ["password"] = "long enough password", ["agreement"] = true });
        Assert.Equal(HttpStatusCode.OK, erin.StatusCode);
    }

    [Fact]
    public async Task Scopes_are_enforced()
    {
        var (reader, _) = await _server.SignUpAsync("frank", scopes: "read write:accounts");
        using var response = await reader.PostAsJsonAsync("/api/v1/statuses", new JsonObject { ["status"] = "not allowed" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("This action is outside the authorized scopes", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_documents_describe_the_account()
    {
        await _server.SignUpAsync("grace");
        var domain = $"127.0.0.1:{_server.Port}";
        var finger = await _server.Client.GetFromJsonAsync<JsonObject>($"/.well-known/webfinger?resource=acct:grace@{domain}");
        Assert.Equal($"acct:grace@{domain}", finger!["subject"]!.GetValue<string>());
        var self = finger["links"]!.AsArray().Single(l => l!["rel"]!.GetValue<string>() == "self")!;
        Assert.Equal("application/activity+json", self["type"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Get, self["href"]!.GetValue<string>());
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var actorResponse = await _server.Client.SendAsync(request);
        Assert.Equal("application/activity+json", actorResponse.Content.Headers.ContentType!.MediaType);
        var actor = JsonNode.Parse(await actorResponse.Content.ReadAsStringAsync())!;
        Assert.Equal("Person", actor["type"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", actor["publicKey"]!["publicKeyPem"]!.GetValue<string>(), StringComparison.Ordinal);
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(actor["publicKey"]!["publicKeyPem"]!.GetValue<string>());
        Assert.Equal(2048, rsa.KeySize);

        using var html = await _server.Client.GetAsync($"/users/grace");
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);

        var nodeinfoLinks = await _server.Client.GetFromJsonAsync<JsonObject>("/.well-known/nodeinfo");
        var href = nodeinfoLinks!["links"]![0]!["href"]!.GetValue<string>();
        var nodeinfo = await _server.Client.GetFromJsonAsync<JsonObject>(new Uri(href).PathAndQuery);
        Assert.Equal(1, nodeinfo!["usage"]!["users"]!["total"]!.GetValue<long>());

        using var unknown = await _server.Client.GetAsync($"/.well-known/webfinger?resource=acct:nobody@{domain}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Instance_documents_carry_what_clients_read_at_start()
    {
        var v2 = await _server.Client.GetFromJsonAsync<JsonObject>("/api/v2/instance");
        Assert.Equal($"127.0.0.1:{_server.Port}", v2!["domain"]!.GetValue<string>());
        Assert.Equal(500, v2["configuration"]!["statuses"]!["max_characters"]!.GetValue<int>());
        Assert.StartsWith("ws://", v2["configuration"]!["urls"]!["streaming"]!.GetValue<string>(), StringComparison.Ordinal);
        var v1 = await _server.Client.GetFromJsonAsync<JsonObject>("/api/v1/instance");
        Assert.NotNull(v1!["urls"]!["streaming_api"]);
    }
}
