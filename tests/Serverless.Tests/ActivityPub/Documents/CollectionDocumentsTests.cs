using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Follows;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.ActivityPub.Documents.Fetch;

namespace Serverless.Tests.ActivityPub.Documents;

/// <summary>Actors and their collections as peers fetch them: outbox, followers, following, featured.</summary>
public sealed class CollectionDocumentsTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;
    private HttpClient _peer = null!;

    public async Task InitializeAsync()
    {
        _server = await StandaloneServer.StartAsync();
        _peer = Peer(_server);
    }

    public async Task DisposeAsync()
    {
        _peer.Dispose();
        await _server.DisposeAsync();
    }

    private string Base => _server.Client.BaseAddress!.ToString().TrimEnd('/');

    [Fact]
    public async Task The_outbox_pages_creates_and_announces_of_public_and_unlisted_statuses()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var bobs = await PostStatusAsync(bob, new JsonObject { ["status"] = "from bob" });
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var posted = await PostStatusAsync(alice, new JsonObject { ["status"] = $"post {i}", ["visibility"] = i % 5 == 0 ? "unlisted" : "public" });
            expected.Add(Str(posted["uri"]));
        }

        await PostStatusAsync(alice, new JsonObject { ["status"] = "followers only", ["visibility"] = "private" });
        await PostStatusAsync(alice, new JsonObject { ["status"] = "@bob direct", ["visibility"] = "direct" });
        var reblog = await StandaloneServer.PostJsonAsync(alice, $"/api/v1/statuses/{Str(bobs["id"])}/reblog", new JsonObject());

        var outbox = await DocumentAsync(_peer, $"{Base}/users/alice/outbox");
        Assert.Equal("OrderedCollection", Str(outbox["type"]));
        Assert.Equal($"{Base}/users/alice/outbox", Str(outbox["id"]));
        var me = await alice.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials");
        Assert.Equal(me!["statuses_count"]!.GetValue<long>(), outbox["totalItems"]!.GetValue<long>());
        Assert.Null(outbox["orderedItems"]);

        // Fan-out writes the account's timeline in the background.
        var activities = await StandaloneServer.EventuallyAsync(async () =>
        {
            var items = await WalkAsync(_peer, outbox);
            return items.Count == expected.Count + 1 ? items : null;
        });

        var first = await DocumentAsync(_peer, Str(outbox["first"]));
        Assert.Equal("OrderedCollectionPage", Str(first["type"]));
        Assert.Equal(Str(outbox["id"]), Str(first["partOf"]));
        Assert.Equal(20, first["orderedItems"]!.AsArray().Count);
        Assert.NotNull(first["next"]);
        Assert.NotNull(first["prev"]);

        // Newest first: the reblog, then the posts from the last to the first.
        var announce = activities[0].AsObject();
        Assert.Equal("Announce", Str(announce["type"]));
        Assert.Equal(Str(reblog["uri"]), Str(announce["id"]));
        Assert.Equal(Str(bobs["uri"]), Str(announce["object"]));
        var creates = activities.Skip(1).Select(a => a.AsObject()).ToList();
        Assert.All(creates, c => Assert.Equal("Create", Str(c["type"])));
        Assert.Equal(Enumerable.Reverse(expected), creates.Select(c => Str(c["object"]!["id"])));
        Assert.All(creates, c => Assert.Equal($"{Base}/users/alice", Str(c["actor"])));

        // The last page (min_id=0) holds the oldest ones, and its prev page moves newer.
        var last = await DocumentAsync(_peer, Str(outbox["last"]));
        var oldest = last["orderedItems"]!.AsArray().Select(a => Str(a!["object"]!["id"])).ToList();
        Assert.Equal(expected.Take(20).Reverse(), oldest);
        var newer = (await DocumentAsync(_peer, Str(last["prev"])))["orderedItems"]!.AsArray();
        Assert.Equal("Announce", Str(newer[0]!["type"]));
        Assert.Equal(Enumerable.Reverse(expected.Skip(20)), newer.Skip(1).Select(a => Str(a!["object"]!["id"])));
    }

    [Fact]
    public async Task Followers_and_following_list_actor_uris_unless_hidden()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var (carol, _) = await _server.SignUpAsync("carol");
        foreach (var follower in new[] { bob, carol })
        {
            await StandaloneServer.PostJsonAsync(follower, $"/api/v1/accounts/{Str(aliceAccount["id"])}/follow", new JsonObject());
        }

        var followers = await DocumentAsync(_peer, $"{Base}/users/alice/followers");
        Assert.Equal("OrderedCollection", Str(followers["type"]));
        Assert.Equal(2, followers["totalItems"]!.GetValue<long>());
        var items = (await WalkAsync(_peer, followers)).Select(i => i.GetValue<string>()).ToList();
        Assert.Equal([$"{Base}/users/carol", $"{Base}/users/bob"], items);

        var following = await DocumentAsync(_peer, $"{Base}/users/bob/following");
        Assert.Equal(1, following["totalItems"]!.GetValue<long>());
        Assert.Equal([$"{Base}/users/alice"], (await WalkAsync(_peer, following)).Select(i => i.GetValue<string>()));

        // Hidden: the size stays, the items go.
        await PatchJsonAsync(alice, "/api/v1/accounts/update_credentials", new JsonObject { ["hide_collections"] = true });
        var hidden = await DocumentAsync(_peer, $"{Base}/users/alice/followers");
        Assert.Equal(2, hidden["totalItems"]!.GetValue<long>());
        Assert.Null(hidden["first"]);
        var (status, _, response) = await GetAsync(_peer, $"{Base}/users/alice/followers?page=true");
        response.Dispose();
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Follower_pages_move_with_next_and_prev_and_list_remote_followers()
    {
        var (_, aliceAccount) = await _server.SignUpAsync("alice");
        var aliceId = Str(aliceAccount["id"]);

        // Remote followers, written as the inbox's Follow handling leaves them (signing up 42 local accounts takes a minute).
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var ids = _server.Services.GetRequiredService<SnowflakeIds>();
        var expected = new List<string>();
        for (var i = 0; i < 42; i++)
        {
            var fan = new AccountRecord
            {
                Id = ids.NextString(),
                Username = $"fan{i}",
                Domain = "remote.example",
                CreatedAt = DateTimeOffset.UtcNow,
                Uri = $"https://remote.example/users/fan{i}",
                Url = $"https://remote.example/@fan{i}",
            };
            await store.CreateAsync(Containers.Accounts, fan.Id, fan.Id, fan, StoreJsonContext.Default.AccountRecord, CancellationToken.None);
            var edge = new FollowRecord { Id = ids.NextString(), AccountId = fan.Id, TargetAccountId = aliceId, CreatedAt = DateTimeOffset.UtcNow, InboxUrl = "https://remote.example/inbox" };
            await store.CreateAsync(Containers.Follows, FollowRecord.FollowersPartition(aliceId), FollowRecord.ListId(edge), edge, StoreJsonContext.Default.FollowRecord, CancellationToken.None);
            expected.Insert(0, fan.Uri);
        }

        await store.PatchAsync(Containers.Accounts, aliceId, aliceId, [PatchOperation.Increment("/followersCount", 42)], null, CancellationToken.None);

        var followers = await DocumentAsync(_peer, $"{Base}/users/alice/followers");
        Assert.Equal(42, followers["totalItems"]!.GetValue<long>());
        Assert.Equal(expected, (await WalkAsync(_peer, followers)).Select(i => i.GetValue<string>()));
        var first = await DocumentAsync(_peer, Str(followers["first"]));
        var second = await DocumentAsync(_peer, Str(first["next"]));
        Assert.Equal(2, second["orderedItems"]!.AsArray().Count);
        Assert.Null(second["next"]);
        var back = await DocumentAsync(_peer, Str(second["prev"]));
        Assert.Equal(expected.Take(40), back["orderedItems"]!.AsArray().Select(i => Str(i)));
    }

    [Fact]
    public async Task Featured_lists_pinned_statuses_as_notes_and_featured_tags_is_empty()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var pinned = await PostStatusAsync(alice, new JsonObject { ["status"] = "pinned" });
        await PostStatusAsync(alice, new JsonObject { ["status"] = "not pinned" });
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/statuses/{Str(pinned["id"])}/pin", new JsonObject());

        var actor = await DocumentAsync(_peer, $"{Base}/users/alice");
        var featured = await DocumentAsync(_peer, Str(actor["featured"]));
        Assert.Equal("OrderedCollection", Str(featured["type"]));
        Assert.Equal(1, featured["totalItems"]!.GetValue<long>());
        var note = Assert.Single(featured["orderedItems"]!.AsArray())!;
        Assert.Equal("Note", Str(note["type"]));
        Assert.Equal(Str(pinned["uri"]), Str(note["id"]));

        var tags = await DocumentAsync(_peer, Str(actor["featuredTags"]));
        Assert.Equal(0, tags["totalItems"]!.GetValue<long>());
        Assert.Empty(tags["items"]!.AsArray());
    }

    [Fact]
    public async Task The_actor_carries_what_peers_read()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        using var form = new MultipartFormDataContent();
        var avatar = new ByteArrayContent(Media.TestImages.Png(40, 40));
        avatar.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(avatar, "avatar", "me.png");
        form.Add(new StringContent("Alice"), "display_name");
        form.Add(new StringContent("true"), "bot");
        form.Add(new StringContent("Website"), "fields_attributes[0][name]");
        form.Add(new StringContent("https://example.com"), "fields_attributes[0][value]");
        form.Add(new StringContent("Pronouns"), "fields_attributes[1][name]");
        form.Add(new StringContent("she/her"), "fields_attributes[1][value]");
        await PatchAsync(alice, "/api/v1/accounts/update_credentials", form);

        // alsoKnownAs has no client API yet: set it as a Move's preparation would.
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var id = Str(aliceAccount["id"]);
        var record = (await store.ReadAsync(Containers.Accounts, id, id, StoreJsonContext.Default.AccountRecord, CancellationToken.None))!.Value;
        await store.UpsertAsync(Containers.Accounts, id, id, record with { AlsoKnownAs = ["https://old.example/users/alice"] }, StoreJsonContext.Default.AccountRecord, null, CancellationToken.None);

        var actor = await DocumentAsync(_peer, $"{Base}/users/alice");
        Assert.Equal("Service", Str(actor["type"]));
        Assert.Equal($"{Base}/users/alice", Str(actor["id"]));
        Assert.Equal("alice", Str(actor["preferredUsername"]));
        Assert.Equal("Alice", Str(actor["name"]));
        Assert.Equal($"{Base}/@alice", Str(actor["url"]));
        Assert.Equal($"{Base}/users/alice/inbox", Str(actor["inbox"]));
        Assert.Equal($"{Base}/users/alice/outbox", Str(actor["outbox"]));
        Assert.Equal($"{Base}/users/alice/followers", Str(actor["followers"]));
        Assert.Equal($"{Base}/users/alice/following", Str(actor["following"]));
        Assert.Equal($"{Base}/users/alice/collections/featured", Str(actor["featured"]));
        Assert.Equal($"{Base}/users/alice/collections/tags", Str(actor["featuredTags"]));
        Assert.Equal($"{Base}/inbox", Str(actor["endpoints"]!["sharedInbox"]));
        Assert.Equal($"{Base}/users/alice#main-key", Str(actor["publicKey"]!["id"]));
        Assert.Equal($"{Base}/users/alice", Str(actor["publicKey"]!["owner"]));
        Assert.False(actor["manuallyApprovesFollowers"]!.GetValue<bool>());
        Assert.True(actor["discoverable"]!.GetValue<bool>());
        Assert.NotNull(actor["indexable"]);
        Assert.False(actor["memorial"]!.GetValue<bool>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT00:00:00Z$", Str(actor["published"]));
        Assert.Empty(actor["tag"]!.AsArray());
        Assert.Equal(["https://old.example/users/alice"], Strings(actor["alsoKnownAs"]));

        var fields = actor["attachment"]!.AsArray();
        Assert.All(fields, f => Assert.Equal("PropertyValue", Str(f!["type"])));
        Assert.Equal(["Website", "Pronouns"], fields.Select(f => Str(f!["name"])));
        Assert.Contains("<a href=\"https://example.com\"", Str(fields[0]!["value"]), StringComparison.Ordinal);
        Assert.Equal("she/her", Str(fields[1]!["value"]));

        Assert.Equal("Image", Str(actor["icon"]!["type"]));
        Assert.Equal("image/png", Str(actor["icon"]!["mediaType"]));
        using (var icon = await _server.Client.GetAsync(Str(actor["icon"]!["url"])))
        {
            Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        }

        Assert.Null(actor["image"]);

        // The context declares the extension terms used.
        var context = actor["@context"]!.AsArray();
        var terms = context.OfType<JsonObject>().Single();
        foreach (var term in new[] { "manuallyApprovesFollowers", "featured", "featuredTags", "alsoKnownAs", "PropertyValue", "discoverable", "indexable", "memorial" })
        {
            Assert.True(terms.ContainsKey(term), term);
        }
    }

    [Fact]
    public async Task The_instance_actor_is_served_to_anyone()
    {
        var domain = $"127.0.0.1:{_server.Port}";
        foreach (var accept in new[] { ActivityJson, "text/html" })
        {
            var actor = await DocumentAsync(_peer, "/actor", accept);
            Assert.Equal("Application", Str(actor["type"]));
            Assert.Equal($"{Base}/actor", Str(actor["id"]));
            Assert.Equal(domain, Str(actor["preferredUsername"]));
            Assert.Equal($"{Base}/actor/inbox", Str(actor["inbox"]));
            Assert.Equal($"{Base}/actor/outbox", Str(actor["outbox"]));
            Assert.Equal($"{Base}/about/more?instance_actor=true", Str(actor["url"]));
            Assert.True(actor["manuallyApprovesFollowers"]!.GetValue<bool>());
            Assert.Equal($"{Base}/actor#main-key", Str(actor["publicKey"]!["id"]));
            using var rsa = System.Security.Cryptography.RSA.Create();
            rsa.ImportFromPem(Str(actor["publicKey"]!["publicKeyPem"]));
            Assert.Equal(2048, rsa.KeySize);
        }

        var outbox = await DocumentAsync(_peer, "/actor/outbox");
        Assert.Equal(0, outbox["totalItems"]!.GetValue<long>());
        Assert.Empty(await WalkAsync(_peer, outbox));
    }
}
