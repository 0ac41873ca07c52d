using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Statuses;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.ActivityPub.Documents.Fetch;

namespace Serverless.Tests.ActivityPub.Documents;

/// <summary>Statuses as peers fetch them: Note, Question, Create, Announce, Tombstone, replies, pages.</summary>
public sealed class StatusDocumentsTests : IAsyncLifetime
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
    public async Task A_public_status_is_a_note_addressed_to_everyone_with_its_mentions_and_hashtags()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        await _server.SignUpAsync("bob");
        var posted = await PostStatusAsync(alice, new JsonObject { ["status"] = "Hello @bob, see #Fediverse", ["language"] = "en" });
        var uri = Str(posted["uri"]);
        Assert.Equal($"{Base}/users/alice/statuses/{Str(posted["id"])}", uri);

        var note = await DocumentAsync(_peer, uri);
        Assert.Contains("https://www.w3.org/ns/activitystreams", Strings(note["@context"]![0]));
        Assert.Equal("Note", Str(note["type"]));
        Assert.Equal(uri, Str(note["id"]));
        Assert.Equal($"{Base}/users/alice", Str(note["attributedTo"]));
        Assert.Equal(Str(posted["url"]), Str(note["url"]));
        Assert.Equal([Public], Strings(note["to"]));
        Assert.Equal([$"{Base}/users/alice/followers", $"{Base}/users/bob"], Strings(note["cc"]));
        Assert.Null(note["summary"]);
        Assert.Null(note["inReplyTo"]);
        Assert.False(note["sensitive"]!.GetValue<bool>());
        Assert.Equal(Str(posted["content"]), Str(note["content"]));
        Assert.Equal(Str(posted["content"]), Str(note["contentMap"]!["en"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", Str(note["published"]));
        Assert.StartsWith("tag:", Str(note["conversation"]), StringComparison.Ordinal);
        Assert.Null(note["updated"]);

        var tags = note["tag"]!.AsArray();
        var mention = tags.Single(t => Str(t!["type"]) == "Mention")!;
        Assert.Equal($"{Base}/users/bob", Str(mention["href"]));
        Assert.Equal("@bob", Str(mention["name"]));
        var hashtag = tags.Single(t => Str(t!["type"]) == "Hashtag")!;
        Assert.Equal($"{Base}/tags/fediverse", Str(hashtag["href"]));
        Assert.Equal("#fediverse", Str(hashtag["name"]));
        Assert.Empty(note["attachment"]!.AsArray());

        Assert.Equal($"{uri}/replies", Str(note["replies"]!["id"]));
        Assert.Equal("CollectionPage", Str(note["replies"]!["first"]!["type"]));

        // The same document for the JSON-LD media type; its activity is a Create addressed alike.
        var ld = await DocumentAsync(_peer, uri, LdJson);
        Assert.Equal(uri, Str(ld["id"]));
        var create = await DocumentAsync(_peer, uri + "/activity");
        Assert.Equal("Create", Str(create["type"]));
        Assert.Equal($"{uri}/activity", Str(create["id"]));
        Assert.Equal($"{Base}/users/alice", Str(create["actor"]));
        Assert.Equal(Strings(note["to"]), Strings(create["to"]));
        Assert.Equal(Strings(note["cc"]), Strings(create["cc"]));
        Assert.Equal(uri, Str(create["object"]!["id"]));
        Assert.Null(create["object"]!["@context"]);
    }

    [Fact]
    public async Task Addressing_follows_the_visibility_and_only_public_and_unlisted_are_served_unsigned()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        await _server.SignUpAsync("bob");
        var followers = $"{Base}/users/alice/followers";
        var bob = $"{Base}/users/bob";

        var unlisted = await PostStatusAsync(alice, new JsonObject { ["status"] = "quiet @bob", ["visibility"] = "unlisted" });
        var note = await DocumentAsync(_peer, Str(unlisted["uri"]));
        Assert.Equal([followers], Strings(note["to"]));
        Assert.Equal([Public, bob], Strings(note["cc"]));

        var objects = _server.Services.GetRequiredService<StatusObjects>();
        var statuses = _server.Services.GetRequiredService<StatusService>();
        foreach (var (visibility, to, cc) in new[] { ("private", new[] { followers }, new[] { bob }), ("direct", new[] { bob }, Array.Empty<string>()) })
        {
            var posted = await PostStatusAsync(alice, new JsonObject { ["status"] = "secret @bob", ["visibility"] = visibility });
            var (status, _, response) = await GetAsync(_peer, Str(posted["uri"]));
            response.Dispose();
            Assert.Equal(HttpStatusCode.NotFound, status);
            (status, _, response) = await GetAsync(_peer, Str(posted["uri"]) + "/activity");
            response.Dispose();
            Assert.Equal(HttpStatusCode.NotFound, status);

            // What delivery sends for them.
            var record = (await statuses.GetAsync(Str(posted["id"]), CancellationToken.None))!;
            var delivered = await objects.NoteAsync(record, CancellationToken.None);
            Assert.Equal(to, Strings(delivered["to"]));
            Assert.Equal(cc, Strings(delivered["cc"]));
            Assert.Null(delivered["@context"]);
        }
    }

    [Fact]
    public async Task Browsers_get_a_page_and_profile_urls_send_peers_to_the_id()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var posted = await PostStatusAsync(alice, new JsonObject { ["status"] = "for humans" });
        var uri = Str(posted["uri"]);

        var (status, _, page) = await GetAsync(_peer, uri, "text/html,application/xhtml+xml");
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            Assert.Contains("<p>for humans</p>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        (status, _, page) = await GetAsync(_peer, Str(posted["url"]), "text/html");
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("for humans", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (redirected, _, redirect) = await GetAsync(_peer, Str(posted["url"]));
        using (redirect)
        {
            Assert.Equal(HttpStatusCode.Found, redirected);
            Assert.Equal(uri, redirect.Headers.Location!.ToString());
        }

        var (missing, body, notFound) = await GetAsync(_peer, "/users/alice/statuses/123456789");
        notFound.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.NotNull(body!["error"]);
    }

    [Fact]
    public async Task A_deleted_status_is_gone_with_a_tombstone()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var posted = await PostStatusAsync(alice, new JsonObject { ["status"] = "regrettable" });
        using (var deleted = await alice.DeleteAsync($"/api/v1/statuses/{Str(posted["id"])}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var uri = Str(posted["uri"]);
        var (status, tombstone, response) = await GetAsync(_peer, uri);
        using (response)
        {
            Assert.Equal(HttpStatusCode.Gone, status);
            Assert.Equal(ActivityJson, response.Content.Headers.ContentType!.MediaType);
        }

        Assert.Equal("Tombstone", Str(tombstone!["type"]));
        Assert.Equal(uri, Str(tombstone["id"]));
        Assert.Equal(uri, Str(tombstone["atomUri"]));
        Assert.NotNull(tombstone["@context"]);

        var (pageStatus, _, page) = await GetAsync(_peer, uri, "text/html");
        page.Dispose();
        Assert.Equal(HttpStatusCode.Gone, pageStatus);
    }

    [Fact]
    public async Task Replies_name_their_parent_and_the_parent_pages_its_replies()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var root = await PostStatusAsync(alice, new JsonObject { ["status"] = "a thread" });
        var own = await PostStatusAsync(alice, new JsonObject { ["status"] = "continued", ["in_reply_to_id"] = root["id"]!.DeepClone() });
        var other = await PostStatusAsync(bob, new JsonObject { ["status"] = "@alice nice", ["in_reply_to_id"] = root["id"]!.DeepClone() });
        var hidden = await PostStatusAsync(bob, new JsonObject { ["status"] = "@alice psst", ["in_reply_to_id"] = root["id"]!.DeepClone(), ["visibility"] = "private" });

        var reply = await DocumentAsync(_peer, Str(own["uri"]));
        Assert.Equal(Str(root["uri"]), Str(reply["inReplyTo"]));
        Assert.Equal(Str(root["uri"]), Str(reply["inReplyToAtomUri"]));

        // The author's own replies are listed inline; everyone else's follow through "next".
        var note = await DocumentAsync(_peer, Str(root["uri"]));
        Assert.Equal(Str(reply["conversation"]), Str(note["conversation"]));
        Assert.Equal([Str(own["uri"])], Strings(note["replies"]!["first"]!["items"]));
        var all = (await WalkAsync(_peer, note["replies"]!.AsObject())).Select(i => i.GetValue<string>()).ToList();
        Assert.Equal([Str(own["uri"]), Str(other["uri"])], all);
        Assert.DoesNotContain(Str(hidden["uri"]), all);

        var collection = await DocumentAsync(_peer, Str(root["uri"]) + "/replies");
        Assert.Equal("Collection", Str(collection["type"]));
        Assert.Equal(all, (await WalkAsync(_peer, collection)).Select(i => i.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task A_status_with_a_poll_is_a_question()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var single = await PostStatusAsync(alice, new JsonObject
        {
            ["status"] = "Tea or coffee?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("tea", "coffee"), ["expires_in"] = 3600 },
        });
        var question = await DocumentAsync(_peer, Str(single["uri"]));
        Assert.Equal("Question", Str(question["type"]));
        var options = question["oneOf"]!.AsArray();
        Assert.Equal(["tea", "coffee"], options.Select(o => Str(o!["name"])));
        Assert.All(options, o =>
        {
            Assert.Equal("Note", Str(o!["type"]));
            Assert.Equal(0, o["replies"]!["totalItems"]!.GetValue<long>());
        });
        Assert.Null(question["anyOf"]);
        var end = DateTimeOffset.Parse(Str(question["endTime"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(end - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Null(question["closed"]);
        Assert.Equal(0, question["votersCount"]!.GetValue<long>());

        var multiple = await PostStatusAsync(alice, new JsonObject
        {
            ["status"] = "Which ones?",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("a", "b", "c"), ["expires_in"] = 600, ["multiple"] = true },
        });
        var anyOf = await DocumentAsync(_peer, Str(multiple["uri"]));
        Assert.Equal(3, anyOf["anyOf"]!.AsArray().Count);
        Assert.Null(anyOf["oneOf"]);
    }

    [Fact]
    public async Task Media_are_documents_and_a_content_warning_is_the_summary()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var media = await UploadAsync(alice, Media.TestImages.Png(64, 48), "pic.png", "image/png", new() { ["description"] = "A gradient", ["focus"] = "0.5,-0.25" });
        var posted = await PostStatusAsync(alice, new JsonObject
        {
            ["status"] = "look",
            ["media_ids"] = new JsonArray(media["id"]!.DeepClone()),
            ["spoiler_text"] = "flashy",
        });

        var note = await DocumentAsync(_peer, Str(posted["uri"]));
        Assert.Equal("flashy", Str(note["summary"]));
        Assert.True(note["sensitive"]!.GetValue<bool>());
        var document = Assert.Single(note["attachment"]!.AsArray())!;
        Assert.Equal("Document", Str(document["type"]));
        Assert.Equal("image/png", Str(document["mediaType"]));
        Assert.Equal(Str(media["url"]), Str(document["url"]));
        Assert.Equal("A gradient", Str(document["name"]));
        Assert.Equal(Str(media["blurhash"]), Str(document["blurhash"]));
        Assert.Equal([0.5, -0.25], document["focalPoint"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(64, document["width"]!.GetValue<int>());
        Assert.Equal(48, document["height"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_reblog_is_an_announce_of_the_original()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, _) = await _server.SignUpAsync("bob");
        var original = await PostStatusAsync(alice, new JsonObject { ["status"] = "worth sharing" });
        var reblog = await StandaloneServer.PostJsonAsync(bob, $"/api/v1/statuses/{Str(original["id"])}/reblog", new JsonObject());

        var activityUri = $"{Base}/users/bob/statuses/{Str(reblog["id"])}/activity";
        Assert.Equal(activityUri, Str(reblog["uri"]));
        var announce = await DocumentAsync(_peer, activityUri);
        Assert.Equal("Announce", Str(announce["type"]));
        Assert.Equal(activityUri, Str(announce["id"]));
        Assert.Equal($"{Base}/users/bob", Str(announce["actor"]));
        Assert.Equal(Str(original["uri"]), Str(announce["object"]));
        Assert.Equal([Public], Strings(announce["to"]));
        Assert.Equal([$"{Base}/users/alice", $"{Base}/users/bob/followers"], Strings(announce["cc"]));

        // The reblog's own status URL leads to what it reblogs.
        var (status, _, response) = await GetAsync(_peer, $"/users/bob/statuses/{Str(reblog["id"])}");
        using (response)
        {
            Assert.Equal(HttpStatusCode.Found, status);
            Assert.Equal(Str(original["uri"]), response.Headers.Location!.ToString());
        }
    }
}
