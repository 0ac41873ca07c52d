using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.ActivityPub.Documents.Fetch;

namespace Serverless.Tests.ActivityPub.Documents;

/// <summary>WebFinger, host-meta and NodeInfo as peers and crawlers read them.</summary>
public sealed class DiscoveryDocumentsTests : IAsyncLifetime
{
    private static readonly string[] Versions = ["2.0", "2.1"];

    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Base => _server.Client.BaseAddress!.ToString().TrimEnd('/');

    private string Domain => $"127.0.0.1:{_server.Port}";

    [Fact]
    public async Task WebFinger_finds_an_account_by_handle_actor_uri_and_profile_url()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        foreach (var resource in new[] { $"acct:alice@{Domain}", $"alice@{Domain}", $"{Base}/users/alice", $"{Base}/@alice", $"acct:ALICE@{Domain}" })
        {
            using var response = await _server.Client.GetAsync($"/.well-known/webfinger?resource={Uri.EscapeDataString(resource)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/jrd+json", response.Content.Headers.ContentType!.MediaType);
            var finger = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal($"acct:alice@{Domain}", Str(finger["subject"]));
            Assert.Equal([$"{Base}/@alice", $"{Base}/users/alice"], Strings(finger["aliases"]));
            var links = finger["links"]!.AsArray();
            var self = links.Single(l => Str(l!["rel"]) == "self")!;
            Assert.Equal(ActivityJson, Str(self["type"]));
            Assert.Equal($"{Base}/users/alice", Str(self["href"]));
            var profile = links.Single(l => Str(l!["rel"]) == "http://webfinger.net/rel/profile-page")!;
            Assert.Equal("text/html", Str(profile["type"]));
            Assert.Equal($"{Base}/@alice", Str(profile["href"]));
            var subscribe = links.Single(l => Str(l!["rel"]) == "http://ostatus.org/schema/1.0/subscribe")!;
            Assert.Equal($"{Base}/authorize_interaction?uri={{uri}}", Str(subscribe["template"]));
            Assert.DoesNotContain(links, l => Str(l!["rel"]) == "http://webfinger.net/rel/avatar");
        }

        // With an avatar, a link to it.
        using var form = new MultipartFormDataContent();
        var avatar = new ByteArrayContent(Media.TestImages.Png(32, 32));
        avatar.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(avatar, "avatar", "me.png");
        var updated = await PatchAsync(alice, "/api/v1/accounts/update_credentials", form);
        var withAvatar = (await _server.Client.GetFromJsonAsync<JsonObject>($"/.well-known/webfinger?resource=acct:alice@{Domain}"))!;
        var avatarLink = withAvatar["links"]!.AsArray().Single(l => Str(l!["rel"]) == "http://webfinger.net/rel/avatar")!;
        Assert.Equal("image/png", Str(avatarLink["type"]));
        Assert.Equal(Str(updated["avatar"]), Str(avatarLink["href"]));
    }

    [Fact]
    public async Task WebFinger_answers_400_without_a_resource_and_404_for_strangers()
    {
        await _server.SignUpAsync("alice");
        foreach (var (query, expected) in new[]
        {
            ("", HttpStatusCode.BadRequest),
            ("?resource=", HttpStatusCode.BadRequest),
            ($"?resource=acct:nobody@{Domain}", HttpStatusCode.NotFound),
            ("?resource=acct:alice@elsewhere.example", HttpStatusCode.NotFound),
            ("?resource=https://elsewhere.example/users/alice", HttpStatusCode.NotFound),
        })
        {
            using var response = await _server.Client.GetAsync("/.well-known/webfinger" + query);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        }
    }

    [Fact]
    public async Task WebFinger_finds_the_instance_actor()
    {
        foreach (var resource in new[] { $"acct:{Domain}@{Domain}", $"{Base}/actor" })
        {
            var finger = (await _server.Client.GetFromJsonAsync<JsonObject>($"/.well-known/webfinger?resource={Uri.EscapeDataString(resource)}"))!;
            Assert.Equal($"acct:{Domain}@{Domain}", Str(finger["subject"]));
            Assert.Equal([$"{Base}/actor"], Strings(finger["aliases"]));
            var self = finger["links"]!.AsArray().Single(l => Str(l!["rel"]) == "self")!;
            Assert.Equal($"{Base}/actor", Str(self["href"]));
            Assert.Equal(ActivityJson, Str(self["type"]));
        }
    }

    [Fact]
    public async Task Host_meta_points_to_webfinger_as_xrd_and_json()
    {
        using var xrd = await _server.Client.GetAsync("/.well-known/host-meta");
        Assert.Equal(HttpStatusCode.OK, xrd.StatusCode);
        Assert.Equal("application/xrd+xml", xrd.Content.Headers.ContentType!.MediaType);
        var document = XDocument.Parse(await xrd.Content.ReadAsStringAsync());
        XNamespace ns = "http://docs.oasis-open.org/ns/xri/xrd-1.0";
        Assert.Equal(ns + "XRD", document.Root!.Name);
        var link = Assert.Single(document.Root.Elements(ns + "Link"));
        Assert.Equal("lrdd", link.Attribute("rel")!.Value);
        Assert.Equal($"{Base}/.well-known/webfinger?resource={{uri}}", link.Attribute("template")!.Value);

        using var json = await _server.Client.GetAsync("/.well-known/host-meta.json");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        var links = (await json.Content.ReadFromJsonAsync<JsonObject>())!["links"]!.AsArray();
        Assert.Equal("lrdd", Str(links[0]!["rel"]));
        Assert.Equal($"{Base}/.well-known/webfinger?resource={{uri}}", Str(links[0]!["template"]));
    }

    [Fact]
    public async Task NodeInfo_lists_2_0_and_2_1_with_real_usage()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        await _server.SignUpAsync("bob");
        await PostStatusAsync(alice, new JsonObject { ["status"] = "one" });
        await PostStatusAsync(alice, new JsonObject { ["status"] = "two" });

        var discovery = (await _server.Client.GetFromJsonAsync<JsonObject>("/.well-known/nodeinfo"))!;
        var links = discovery["links"]!.AsArray();
        Assert.Equal(["http://nodeinfo.diaspora.software/ns/schema/2.0", "http://nodeinfo.diaspora.software/ns/schema/2.1"], links.Select(l => Str(l!["rel"])));
        foreach (var (link, version) in links.Zip(Versions))
        {
            Assert.Equal($"{Base}/nodeinfo/{version}", Str(link!["href"]));
            using var response = await _server.Client.GetAsync(new Uri(Str(link["href"])).PathAndQuery);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains($"schema/{version}#", response.Content.Headers.ContentType.ToString(), StringComparison.Ordinal);
            var nodeinfo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(version, Str(nodeinfo["version"]));
            Assert.Equal("serverless", Str(nodeinfo["software"]!["name"]));
            Assert.False(string.IsNullOrEmpty(Str(nodeinfo["software"]!["version"])));
            Assert.Equal(["activitypub"], Strings(nodeinfo["protocols"]));
            Assert.Equal(2, nodeinfo["usage"]!["users"]!["total"]!.GetValue<long>());
            Assert.InRange(nodeinfo["usage"]!["users"]!["activeMonth"]!.GetValue<long>(), 0, 2);
            Assert.InRange(nodeinfo["usage"]!["users"]!["activeHalfyear"]!.GetValue<long>(), 0, 2);
            Assert.Equal(2, nodeinfo["usage"]!["localPosts"]!.GetValue<long>());
            Assert.True(nodeinfo["openRegistrations"]!.GetValue<bool>());
            Assert.Equal("Serverless", Str(nodeinfo["metadata"]!["nodeName"]));

            // megalodon's detector picks the Mastodon API from the upstream it names.
            Assert.Equal("mastodon", Str(nodeinfo["metadata"]!["upstream"]!["name"]));
        }
    }

    [Fact]
    public async Task NodeInfo_says_when_registrations_are_closed()
    {
        await using var closed = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["REGISTRATIONS_MODE"] = "closed", ["SITE_TITLE"] = "Quiet place" });
        var nodeinfo = (await closed.Client.GetFromJsonAsync<JsonObject>("/nodeinfo/2.1"))!;
        Assert.False(nodeinfo["openRegistrations"]!.GetValue<bool>());
        Assert.Equal("Quiet place", Str(nodeinfo["metadata"]!["nodeName"]));
    }
}
