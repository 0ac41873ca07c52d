using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Federation.TwoInstances;

namespace Serverless.Tests.Federation;

/// <summary>
/// A server with <c>AUTHORIZED_FETCH=true</c> and a peer with two actors: <c>follower</c> follows
/// Alice, <c>stranger</c> does not. Alice has a public, a followers-only, and two direct statuses
/// (one to each actor).
/// </summary>
public sealed class AuthorizedFetchFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public FailurePeer Peer { get; private set; } = null!;

    public PeerActor Follower { get; private set; } = null!;

    public PeerActor Stranger { get; private set; } = null!;

    public string PublicId { get; private set; } = null!;

    public string PrivateId { get; private set; } = null!;

    public string DirectToFollowerId { get; private set; } = null!;

    public string DirectToStrangerId { get; private set; } = null!;

    public string Url(string path) => $"http://127.0.0.1:{Server.Port}{path}";

    public async Task InitializeAsync()
    {
        Peer = await FailurePeer.StartAsync();
        Follower = Peer.AddActor("follower", key: 0);
        Stranger = Peer.AddActor("stranger", key: 1);
        Server = await StandaloneServer.StartAsync(new Dictionary<string, string?>
        {
            ["ALLOW_PRIVATE_ADDRESSES"] = "true",
            ["AUTHORIZED_FETCH"] = "true",
        });
        var (alice, _) = await Server.SignUpAsync("alice");

        var follow = new JsonObject
        {
            ["id"] = $"{Follower.Uri}#follows/1",
            ["type"] = "Follow",
            ["actor"] = Follower.Uri,
            ["object"] = Url("/users/alice"),
        };
        using (var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url("/users/alice/inbox"), follow.ToJsonString(), Follower)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await StandaloneServer.EventuallyAsync(() => Task.FromResult(Peer.Posts("Accept").Count == 1 ? "accepted" : null));

        // A signed fetch makes the stranger known here, so that Alice can mention it.
        using (var known = await Server.Client.SendAsync(FailurePeer.Get(Url("/users/alice"), Stranger)))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        PublicId = await PostAsync(alice, "Public words", "public");
        PrivateId = await PostAsync(alice, "Followers only words", "private");
        DirectToFollowerId = await PostAsync(alice, $"@follower@{Peer.Domain} Direct words", "direct", mentions: 1);
        DirectToStrangerId = await PostAsync(alice, $"@stranger@{Peer.Domain} Words for a stranger", "direct", mentions: 1);
        alice.Dispose();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Peer.DisposeAsync();
    }

    private static async Task<string> PostAsync(HttpClient client, string text, string visibility, int mentions = 0)
    {
        var status = await StandaloneServer.PostJsonAsync(client, "/api/v1/statuses", new JsonObject { ["status"] = text, ["visibility"] = visibility });
        Assert.Equal(mentions, status["mentions"]!.AsArray().Count);
        return status["id"]!.GetValue<string>();
    }
}

/// <summary>
/// Authorized fetch (Mastodon's secure mode): objects and collections only for signed requests,
/// actors minimal when unsigned, the instance actor and discovery open, and what a signer may see
/// of private and direct statuses.
/// </summary>
public sealed class AuthorizedFetchTests(AuthorizedFetchFixture fixture) : IClassFixture<AuthorizedFetchFixture>
{
    private StandaloneServer Server => fixture.Server;

    private string[] ObjectsAndCollections =>
    [
        $"/users/alice/statuses/{fixture.PublicId}",
        $"/users/alice/statuses/{fixture.PublicId}/activity",
        $"/users/alice/statuses/{fixture.PublicId}/replies",
        $"/users/alice/statuses/{fixture.PublicId}/replies?page=true",
        $"/users/alice/statuses/{fixture.PublicId}/likes",
        $"/users/alice/statuses/{fixture.PublicId}/shares",
        "/users/alice/outbox",
        "/users/alice/outbox?page=true",
        "/users/alice/followers",
        "/users/alice/followers?page=true",
        "/users/alice/following",
        "/users/alice/collections/featured",
        "/users/alice/collections/tags",
    ];

    [Fact]
    public async Task Objects_and_collections_need_a_signature()
    {
        foreach (var path in ObjectsAndCollections)
        {
            using var response = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url(path), signer: null));
            await FailureInboxTests.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signed_fetches_get_objects_and_collections_not_to_be_kept_by_shared_caches(bool rfc9421)
    {
        foreach (var path in ObjectsAndCollections)
        {
            using var response = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url(path), fixture.Stranger, rfc9421));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/activity+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("Signature", response.Headers.Vary);
            if (response.Headers.CacheControl is { } cache)
            {
                Assert.False(cache.Public, $"{path}: {cache}");
            }
        }

        using var note = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url($"/users/alice/statuses/{fixture.PublicId}"), fixture.Stranger, rfc9421));
        var document = (await note.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Note", document["type"]!.GetValue<string>());
        Assert.Contains("Public words", document["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_signatures_are_401()
    {
        var path = fixture.Url($"/users/alice/statuses/{fixture.PublicId}");

        // Made with a key that is not the stranger's.
        using (var response = await Server.Client.SendAsync(FailurePeer.Get(path, fixture.Stranger, privateKeyPem: FailurePeer.PrivateKey(2))))
        {
            await FailureInboxTests.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        // Signed for another path.
        using (var request = FailurePeer.Get(fixture.Url("/users/alice/outbox"), fixture.Stranger))
        {
            request.RequestUri = new Uri(fixture.Url("/users/alice/followers"));
            using var response = await Server.Client.SendAsync(request);
            await FailureInboxTests.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        // A key that cannot be found.
        using (var response = await Server.Client.SendAsync(FailurePeer.Get(path, fixture.Stranger with { KeyId = $"{fixture.Peer.BaseUrl}/users/nobody#main-key" })))
        {
            await FailureInboxTests.AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Actors_stay_available_unsigned_in_a_minimal_form_and_whole_when_signed()
    {
        using var unsigned = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url("/users/alice"), signer: null));
        Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
        var minimal = (await unsigned.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(fixture.Url("/users/alice"), minimal["id"]!.GetValue<string>());
        Assert.Equal("Person", minimal["type"]!.GetValue<string>());
        Assert.Equal("alice", minimal["preferredUsername"]!.GetValue<string>());
        Assert.Equal(fixture.Url("/users/alice/inbox"), minimal["inbox"]!.GetValue<string>());
        Assert.Equal(fixture.Url("/inbox"), minimal["endpoints"]!["sharedInbox"]!.GetValue<string>());
        Assert.Contains("BEGIN PUBLIC KEY", minimal["publicKey"]!["publicKeyPem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(minimal["followers"]);
        Assert.Null(minimal["outbox"]);
        Assert.Null(minimal["summary"]);

        using var signed = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url("/users/alice"), fixture.Stranger));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var whole = (await signed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(fixture.Url("/users/alice/followers"), whole["followers"]!.GetValue<string>());
        Assert.Equal(fixture.Url("/users/alice/outbox"), whole["outbox"]!.GetValue<string>());
        Assert.False(signed.Headers.CacheControl!.Public);
    }

    [Fact]
    public async Task The_instance_actor_discovery_and_pages_for_people_stay_open()
    {
        var port = Server.Port;
        foreach (var path in new[]
        {
            "/actor",
            $"/.well-known/webfinger?resource=acct:alice@127.0.0.1:{port}",
            $"/.well-known/webfinger?resource=acct:127.0.0.1:{port}@127.0.0.1:{port}",
            "/.well-known/host-meta",
            "/.well-known/nodeinfo",
            "/nodeinfo/2.0",
            "/nodeinfo/2.1",
        })
        {
            using var response = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url(path), signer: null));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }

        using var actor = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url("/actor"), signer: null));
        var document = (await actor.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(fixture.Url("/actor#main-key"), document["publicKey"]!["id"]!.GetValue<string>());

        // Browsers are not ActivityPub clients: the status page and profile need no signature.
        foreach (var path in new[] { $"/users/alice/statuses/{fixture.PublicId}", $"/@alice/{fixture.PublicId}", "/@alice", "/users/alice" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Url(path));
            request.Headers.Accept.ParseAdd("text/html");
            using var page = await Server.Client.SendAsync(request);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode}");
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task A_private_status_is_served_to_a_signed_follower_only()
    {
        var path = fixture.Url($"/users/alice/statuses/{fixture.PrivateId}");
        using (var response = await Server.Client.SendAsync(FailurePeer.Get(path, fixture.Follower)))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var note = JsonNode.Parse(text)!.AsObject();
            Assert.Contains("Followers only words", note["content"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(response.Headers.CacheControl!.Public);
        }

        using (var activity = await Server.Client.SendAsync(FailurePeer.Get(path + "/activity", fixture.Follower, rfc9421: true)))
        {
            Assert.Equal(HttpStatusCode.OK, activity.StatusCode);
        }

        using (var stranger = await Server.Client.SendAsync(FailurePeer.Get(path, fixture.Stranger)))
        {
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }

        using var unsigned = await Server.Client.SendAsync(FailurePeer.Get(path, signer: null));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_direct_status_is_served_to_the_mentioned_signer_only()
    {
        using (var mentioned = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url($"/users/alice/statuses/{fixture.DirectToFollowerId}"), fixture.Follower)))
        {
            Assert.Equal(HttpStatusCode.OK, mentioned.StatusCode);
            var note = (await mentioned.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Contains("Direct words", note["content"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var other = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url($"/users/alice/statuses/{fixture.DirectToFollowerId}"), fixture.Stranger)))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        // Following the author does not open a direct status that does not mention you.
        using (var follower = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url($"/users/alice/statuses/{fixture.DirectToStrangerId}"), fixture.Follower)))
        {
            Assert.Equal(HttpStatusCode.NotFound, follower.StatusCode);
        }

        using var stranger = await Server.Client.SendAsync(FailurePeer.Get(fixture.Url($"/users/alice/statuses/{fixture.DirectToStrangerId}"), fixture.Stranger, rfc9421: true));
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
    }
}

/// <summary>Without authorized fetch: public documents are open to anyone, and a signature still opens what is addressed to its signer.</summary>
public sealed class AuthorizedFetchOffTests : IAsyncLifetime
{
    private FailurePeer _peer = null!;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        _peer = await FailurePeer.StartAsync();
        _server = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["ALLOW_PRIVATE_ADDRESSES"] = "true" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task Unsigned_fetches_get_public_documents_and_signed_followers_get_private_ones()
    {
        var follower = _peer.AddActor("follower");
        var (alice, _) = await _server.SignUpAsync("alice");
        var base_ = $"http://127.0.0.1:{_server.Port}";
        var follow = new JsonObject { ["id"] = $"{follower.Uri}#follows/1", ["type"] = "Follow", ["actor"] = follower.Uri, ["object"] = base_ + "/users/alice" };
        using (var response = await _server.Client.SendAsync(FailurePeer.SignedPost(base_ + "/users/alice/inbox", follow.ToJsonString(), follower)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await StandaloneServer.EventuallyAsync(() => Task.FromResult(_peer.Posts("Accept").Count == 1 ? "accepted" : null));
        var publicId = (await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Open" }))["id"]!.GetValue<string>();
        var privateId = (await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Closed", ["visibility"] = "private" }))["id"]!.GetValue<string>();

        foreach (var path in new[] { $"/users/alice/statuses/{publicId}", "/users/alice/outbox", "/users/alice/followers", "/users/alice" })
        {
            using var response = await _server.Client.SendAsync(FailurePeer.Get(base_ + path, signer: null));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl!.Public, path);
        }

        using (var actor = await _server.Client.SendAsync(FailurePeer.Get(base_ + "/users/alice", signer: null)))
        {
            Assert.NotNull((await actor.Content.ReadFromJsonAsync<JsonObject>())!["followers"]);
        }

        using (var anonymous = await _server.Client.SendAsync(FailurePeer.Get($"{base_}/users/alice/statuses/{privateId}", signer: null)))
        {
            Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        }

        using var signed = await _server.Client.SendAsync(FailurePeer.Get($"{base_}/users/alice/statuses/{privateId}", follower));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.False(signed.Headers.CacheControl!.Public);
        alice.Dispose();
    }
}

/// <summary>Two instances that both require signed fetches still find, follow and deliver to each other (their GETs are signed as their instance actors).</summary>
public sealed class AuthorizedFetchTwoInstancesTests : IAsyncLifetime
{
    private TwoInstances _pair = null!;

    public async Task InitializeAsync() => _pair = await TwoInstances.StartAsync(new Dictionary<string, string?> { ["AUTHORIZED_FETCH"] = "true" });

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_remote_follow_and_a_post_work_when_both_require_signatures()
    {
        var (alice, _) = await _pair.First.SignUpAsync("alice");
        var (bob, _) = await _pair.Second.SignUpAsync("bob");

        // Both refuse unsigned fetches of objects, so what follows went through signed GETs.
        using (var unsigned = await _pair.Second.Client.SendAsync(FailurePeer.Get($"http://127.0.0.1:{_pair.Second.Port}/users/bob/outbox", signer: null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        var bobId = await ResolveAsync(alice, Handle(_pair.Second, "bob"));
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobId}/follow", []);
        await StandaloneServer.EventuallyAsync(async () => (await RelationshipAsync(alice, bobId))["following"]!.GetValue<bool>() ? "yes" : null);

        // The whole actor was fetched (signed), not the minimal one served to unsigned requests.
        var bobHere = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/accounts/{bobId}");
        Assert.Equal(Handle(_pair.Second, "bob"), bobHere!["acct"]!.GetValue<string>());

        await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Signed all the way" });
        var arrived = await WaitForStatusAsync(alice, "/api/v1/timelines/home", "Signed all the way");
        Assert.Equal(Handle(_pair.Second, "bob"), arrived["account"]!["acct"]!.GetValue<string>());

        // A status the other side never received resolves by URL through a signed fetch of the Note.
        var mine = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Fetched with a signature" });
        var found = await ResolveStatusAsync(bob, mine["uri"]!.GetValue<string>());
        Assert.NotNull(found);
        var seen = await bob.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{found}");
        Assert.Contains("Fetched with a signature", seen!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
