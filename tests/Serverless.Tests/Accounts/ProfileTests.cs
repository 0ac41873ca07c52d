using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Ids;
using Serverless.Core.Interactions;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Accounts.AccountsApi;

namespace Serverless.Tests.Accounts;

/// <summary>Profiles, account statuses, lookup and search, update_credentials and preferences, over HTTP.</summary>
public sealed class ProfileTests : IAsyncLifetime
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Account_statuses_honour_visibility_filters_pins_and_paging()
    {
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (erin, _) = await _server.SignUpAsync("erin");
        var (bobId, aliceId) = (Id(bobAccount), Id(aliceAccount));
        var aliceFirst = await PostStatusAsync(alice, aliceId, new JsonObject { ["status"] = "first" });
        await PostAsync(erin, $"/api/v1/accounts/{bobId}/follow");

        var plain = Id(await PostStatusAsync(bob, bobId, new JsonObject { ["status"] = "plain" }));
        var quiet = Id(await PostStatusAsync(bob, bobId, new JsonObject { ["status"] = "quiet", ["visibility"] = "unlisted" }));
        var followersOnly = Id(await PostStatusAsync(bob, bobId, new JsonObject { ["status"] = "followers only", ["visibility"] = "private" }));
        var replyToAlice = Id(await PostStatusAsync(bob, bobId, new JsonObject { ["status"] = "a reply", ["in_reply_to_id"] = Id(aliceFirst) }));
        var selfReply = Id(await PostStatusAsync(bob, bobId, new JsonObject { ["status"] = "a thread", ["in_reply_to_id"] = plain }));

        // Written straight to storage: a direct message to Alice, a tagged post and a reblog.
        var direct = await AddStatusAsync(bobId, s => s with { Visibility = Visibility.Direct, Mentions = [new MentionRecord(aliceId, "alice", "alice", "http://x/@alice")] });
        var tagged = await AddStatusAsync(bobId, s => s with { Tags = ["cats"] });
        var reblog = await AddStatusAsync(bobId, s => s with { ReblogOfId = Id(aliceFirst), Content = "" });

        var publicOnes = new[] { reblog, tagged, selfReply, replyToAlice, quiet, plain };
        Assert.Equal(publicOnes, await StatusIdsAsync(_server.Client, bobId, ""));
        Assert.Equal(new[] { reblog, tagged, direct, selfReply, replyToAlice, quiet, plain }, await StatusIdsAsync(alice, bobId, ""));
        Assert.Equal(new[] { reblog, tagged, selfReply, replyToAlice, followersOnly, quiet, plain }, await StatusIdsAsync(erin, bobId, ""));
        Assert.Equal(new[] { reblog, tagged, direct, selfReply, replyToAlice, followersOnly, quiet, plain }, await StatusIdsAsync(bob, bobId, ""));

        Assert.Equal(new[] { reblog, tagged, selfReply, quiet, plain }, await StatusIdsAsync(_server.Client, bobId, "exclude_replies=true"));
        Assert.Equal(new[] { tagged, selfReply, replyToAlice, quiet, plain }, await StatusIdsAsync(_server.Client, bobId, "exclude_reblogs=true"));
        Assert.Equal(new[] { tagged }, await StatusIdsAsync(_server.Client, bobId, "tagged=cats"));
        Assert.Empty(await StatusIdsAsync(_server.Client, bobId, "only_media=true"));
        Assert.Empty(await StatusIdsAsync(_server.Client, bobId, "pinned=true"));

        // Pinned posts, most recently pinned first; a follower also sees the pinned private one.
        await PostAsync(bob, $"/api/v1/statuses/{plain}/pin");
        await PostAsync(bob, $"/api/v1/statuses/{followersOnly}/pin");
        Assert.Equal(new[] { plain }, await StatusIdsAsync(_server.Client, bobId, "pinned=true"));
        Assert.Equal(new[] { followersOnly, plain }, await StatusIdsAsync(erin, bobId, "pinned=true"));
        var (ownPins, ownPinsResponse) = await GetListAsync(bob, $"/api/v1/accounts/{bobId}/statuses?pinned=true&limit=1");
        Assert.True(ownPins.Single()!["pinned"]!.GetValue<bool>());
        var (olderPins, olderPinsResponse) = await GetListAsync(bob, Link(ownPinsResponse, "next")!);
        ownPinsResponse.Dispose();
        olderPinsResponse.Dispose();
        Assert.Equal([plain], IdsOf(olderPins));

        // Anonymous paging through Link: the hidden posts leave no gaps and no repeats.
        var seen = new List<string>();
        var path = $"/api/v1/accounts/{bobId}/statuses?limit=2";
        for (var pages = 0; path is not null && pages < 10; pages++)
        {
            var (items, response) = await GetListAsync(_server.Client, path);
            seen.AddRange(IdsOf(items));
            path = items.Count == 0 ? null : Link(response, "next");
            response.Dispose();
        }

        Assert.Equal(publicOnes, seen);

        var (unknown, _, unknownResponse) = await SendAsync(_server.Client, HttpMethod.Get, "/api/v1/accounts/4242/statuses");
        unknownResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task Lookup_and_search_find_local_accounts_by_handle_and_name()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (_, aliciaAccount) = await _server.SignUpAsync("alicia");
        var (bob, _) = await _server.SignUpAsync("bob");
        var domain = $"127.0.0.1:{_server.Port}";

        Assert.Equal(Id(aliceAccount), Id(await GetObjectAsync(_server.Client, "/api/v1/accounts/lookup?acct=alice")));
        Assert.Equal(Id(aliceAccount), Id(await GetObjectAsync(_server.Client, $"/api/v1/accounts/lookup?acct=@alice@{domain}")));
        foreach (var missing in new[] { "nobody", "alice@elsewhere.example", "" })
        {
            var (status, body, response) = await SendAsync(_server.Client, HttpMethod.Get, $"/api/v1/accounts/lookup?acct={Uri.EscapeDataString(missing)}");
            response.Dispose();
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("Record not found", body!["error"]!.GetValue<string>());
        }

        Assert.Equal([Id(aliceAccount), Id(aliciaAccount)], await SearchAsync(bob, "ali"));
        Assert.Equal(Id(aliceAccount), (await SearchAsync(bob, "@alice"))[0]);
        Assert.Equal([Id(aliceAccount)], await SearchAsync(bob, $"alice@{domain}"));
        Assert.Empty(await SearchAsync(bob, "alice@elsewhere.example"));
        Assert.Equal([Id(aliciaAccount)], await SearchAsync(bob, "ali&limit=1&offset=1"));

        // Display-name words are found too, and renaming drops the old ones.
        await PatchJsonAsync(alice, "/api/v1/accounts/update_credentials", new JsonObject { ["display_name"] = "Queen of Hearts" });
        Assert.Equal([Id(aliceAccount)], await SearchAsync(bob, "hearts"));
        Assert.Equal([Id(aliceAccount)], await SearchAsync(bob, "Queen Hea"));
        Assert.Empty(await SearchAsync(bob, "queen xyz"));
        await PatchJsonAsync(alice, "/api/v1/accounts/update_credentials", new JsonObject { ["display_name"] = "Mad Hatter" });
        Assert.Empty(await SearchAsync(bob, "hearts"));
        Assert.Equal([Id(aliceAccount)], await SearchAsync(bob, "hatter"));

        await PostAsync(bob, $"/api/v1/accounts/{Id(aliciaAccount)}/follow");
        Assert.Equal([Id(aliciaAccount)], await SearchAsync(bob, "ali&following=true"));

        var (noQuery, _, noQueryResponse) = await SendAsync(bob, HttpMethod.Get, "/api/v1/accounts/search");
        noQueryResponse.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, noQuery);
        var (anonymous, _, anonymousResponse) = await SendAsync(_server.Client, HttpMethod.Get, "/api/v1/accounts/search?q=ali");
        anonymousResponse.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
    }

    [Fact]
    public async Task Update_credentials_with_json_and_form_bodies_and_preferences_follow()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var updated = await PatchJsonAsync(alice, "/api/v1/accounts/update_credentials", new JsonObject
        {
            ["display_name"] = "Alice",
            ["note"] = "Down the rabbit hole: https://example.com/wonderland",
            ["bot"] = true,
            ["discoverable"] = false,
            ["indexable"] = true,
            ["fields_attributes"] = new JsonArray(
                new JsonObject { ["name"] = "Website", ["value"] = "https://example.com" },
                new JsonObject { ["name"] = "Pronouns", ["value"] = "she/her" },
                new JsonObject { ["name"] = "", ["value"] = "" }),
            ["source"] = new JsonObject { ["privacy"] = "unlisted", ["sensitive"] = true, ["language"] = "de" },
        });

        Assert.Equal("Alice", updated["display_name"]!.GetValue<string>());
        Assert.StartsWith("<p>Down the rabbit hole: <a href=\"https://example.com/wonderland\"", updated["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Down the rabbit hole: https://example.com/wonderland", updated["source"]!["note"]!.GetValue<string>());
        Assert.True(updated["bot"]!.GetValue<bool>());
        Assert.False(updated["discoverable"]!.GetValue<bool>());
        Assert.True(updated["indexable"]!.GetValue<bool>());
        Assert.Equal("unlisted", updated["source"]!["privacy"]!.GetValue<string>());
        Assert.True(updated["source"]!["sensitive"]!.GetValue<bool>());
        Assert.Equal("de", updated["source"]!["language"]!.GetValue<string>());
        Assert.Equal(["Website", "Pronouns"], updated["source"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal("https://example.com", updated["source"]!["fields"]![0]!["value"]!.GetValue<string>());

        // Everyone sees the fields, with links made clickable.
        var shown = await GetObjectAsync(_server.Client, $"/api/v1/accounts/{Id(aliceAccount)}");
        var fields = shown["fields"]!.AsArray();
        Assert.Equal(2, fields.Count);
        Assert.Contains("<a href=\"https://example.com\"", fields[0]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("she/her", fields[1]!["value"]!.GetValue<string>());
        Assert.True(fields[1]!.AsObject().TryGetPropertyValue("verified_at", out var verifiedAt) && verifiedAt is null);

        // The posting defaults are the preferences, and new posts use them.
        var preferences = await GetObjectAsync(alice, "/api/v1/preferences");
        Assert.Equal("unlisted", preferences["posting:default:visibility"]!.GetValue<string>());
        Assert.True(preferences["posting:default:sensitive"]!.GetValue<bool>());
        Assert.Equal("de", preferences["posting:default:language"]!.GetValue<string>());
        Assert.Equal("default", preferences["reading:expand:media"]!.GetValue<string>());
        Assert.False(preferences["reading:expand:spoilers"]!.GetValue<bool>());
        Assert.False(preferences["reading:autoplay:gifs"]!.GetValue<bool>());
        var post = await PostAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "defaults" });
        Assert.Equal("unlisted", post["visibility"]!.GetValue<string>());

        // A form body with Rails-style brackets, as Tusky and Phanpy send it.
        using var form = new FormUrlEncodedContent(
        [
            new("fields_attributes[0][name]", "Home"),
            new("fields_attributes[0][value]", "Wonderland"),
            new("source[privacy]", "private"),
            new("locked", "1"),
        ]);
        var (status, formUpdated, response) = await SendAsync(alice, HttpMethod.Patch, "/api/v1/accounts/update_credentials", form);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Home", Assert.Single(formUpdated!["fields"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal("private", formUpdated["source"]!["privacy"]!.GetValue<string>());
        Assert.True(formUpdated["locked"]!.GetValue<bool>());
        Assert.Equal("Alice", formUpdated["display_name"]!.GetValue<string>());

        // Bad values are refused with 422 and change nothing.
        foreach (var bad in new JsonObject[]
        {
            new() { ["display_name"] = new string('x', 31) },
            new() { ["note"] = new string('x', 501) },
            new() { ["source"] = new JsonObject { ["privacy"] = "direct" } },
            new() { ["fields_attributes"] = new JsonArray(Enumerable.Range(0, 5).Select(i => (JsonNode)new JsonObject { ["name"] = $"n{i}", ["value"] = "v" }).ToArray()) },
        })
        {
            using var content = new StringContent(bad.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            var (badStatus, badBody, badResponse) = await SendAsync(alice, HttpMethod.Patch, "/api/v1/accounts/update_credentials", content);
            badResponse.Dispose();
            Assert.Equal(HttpStatusCode.UnprocessableEntity, badStatus);
            Assert.StartsWith("Validation failed", badBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var unchanged = await GetObjectAsync(alice, "/api/v1/accounts/verify_credentials");
        Assert.Equal("Alice", unchanged["display_name"]!.GetValue<string>());
        Assert.Equal("private", unchanged["source"]!["privacy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_credentials_stores_avatar_and_header_uploads_and_checks_them()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var png = PngSignature.Concat(Enumerable.Range(0, 200).Select(i => (byte)i)).ToArray();
        var gif = "GIF89a"u8.ToArray().Concat(new byte[64]).ToArray();

        using (var multipart = new MultipartFormDataContent())
        {
            multipart.Add(new StringContent("With a face"), "display_name");
            multipart.Add(File(png, "application/octet-stream"), "avatar", "me.png");
            multipart.Add(File(gif, "image/gif"), "header", "banner.gif");
            var (status, body, response) = await SendAsync(alice, HttpMethod.Patch, "/api/v1/accounts/update_credentials", multipart);
            response.Dispose();
            Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
            Assert.Equal("With a face", body!["display_name"]!.GetValue<string>());

            var avatar = body["avatar"]!.GetValue<string>();
            Assert.Matches($"^http://127\\.0\\.0\\.1:{_server.Port}/system/accounts/avatars/[0-9]+/original/[0-9a-f]+\\.png$", avatar);
            Assert.Equal(avatar, body["avatar_static"]!.GetValue<string>());
            Assert.EndsWith(".gif", body["header"]!.GetValue<string>(), StringComparison.Ordinal);

            // The file is in the media store under the key the URL names ({base}/system/{key}).
            var mediaStore = _server.Services.GetRequiredService<IMediaStore>();
            await using (var blob = await mediaStore.OpenReadAsync(new Uri(avatar).AbsolutePath["/system/".Length..], default))
            {
                Assert.NotNull(blob);
                Assert.Equal("image/png", blob.ContentType);
                using var copy = new MemoryStream();
                await blob.Content.CopyToAsync(copy);
                Assert.Equal(png, copy.ToArray());
            }

            // And the /system/ route serves it at that URL.
            using var served = await _server.Client.GetAsync(new Uri(avatar).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());

            // A new avatar replaces the old file.
            using var second = new MultipartFormDataContent { { File(PngSignature.Concat(new byte[10]).ToArray(), "image/png"), "avatar", "again.png" } };
            var (secondStatus, secondBody, secondResponse) = await SendAsync(alice, HttpMethod.Patch, "/api/v1/accounts/update_credentials", second);
            secondResponse.Dispose();
            Assert.Equal(HttpStatusCode.OK, secondStatus);
            Assert.NotEqual(avatar, secondBody!["avatar"]!.GetValue<string>());
            Assert.Null(await mediaStore.OpenReadAsync(new Uri(avatar).AbsolutePath["/system/".Length..], default));
        }

        // Not an image, or too large: 422, and the profile keeps its avatar.
        var before = (await GetObjectAsync(alice, "/api/v1/accounts/verify_credentials"))["avatar"]!.GetValue<string>();
        foreach (var (bytes, name) in new[] { ("just text"u8.ToArray(), "notes.png"), (PngSignature.Concat(new byte[2 * 1024 * 1024]).ToArray(), "huge.png") })
        {
            using var multipart = new MultipartFormDataContent { { File(bytes, "image/png"), "avatar", name } };
            var (status, body, response) = await SendAsync(alice, HttpMethod.Patch, "/api/v1/accounts/update_credentials", multipart);
            response.Dispose();
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.StartsWith("Validation failed: Avatar", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(before, (await GetObjectAsync(alice, "/api/v1/accounts/verify_credentials"))["avatar"]!.GetValue<string>());

        // Removing the avatar goes back to the default image and deletes the file.
        var (removedStatus, removed, removedResponse) = await SendAsync(alice, HttpMethod.Delete, "/api/v1/profile/avatar");
        removedResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, removedStatus);
        Assert.EndsWith("/avatars/original/missing.png", removed!["avatar"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith(".gif", removed["header"]!.GetValue<string>(), StringComparison.Ordinal);
        var store = _server.Services.GetRequiredService<IMediaStore>();
        Assert.Null(await store.OpenReadAsync(new Uri(before).AbsolutePath["/system/".Length..], default));
    }

    private static ByteArrayContent File(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static async Task<string[]> StatusIdsAsync(HttpClient client, string accountId, string query)
    {
        var (items, response) = await GetListAsync(client, $"/api/v1/accounts/{accountId}/statuses?{query}");
        response.Dispose();
        return [.. IdsOf(items)];
    }

    private static async Task<IReadOnlyList<string>> SearchAsync(HttpClient client, string query)
    {
        var (items, response) = await GetListAsync(client, $"/api/v1/accounts/search?q={query}");
        response.Dispose();
        return IdsOf(items);
    }

    /// <summary>Stores a status by <paramref name="accountId"/> and puts it on the account's timeline, as fan-out would.</summary>
    private async Task<string> AddStatusAsync(string accountId, Func<StatusRecord, StatusRecord> shape)
    {
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        var id = _server.Services.GetRequiredService<SnowflakeIds>().NextString();
        var status = shape(new StatusRecord
        {
            Id = id,
            AccountId = accountId,
            Uri = $"http://127.0.0.1/statuses/{id}",
            Url = $"http://127.0.0.1/@x/{id}",
            Content = "<p>stored</p>",
            Visibility = Visibility.Public,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await store.CreateAsync(Containers.Statuses, id, id, status, StoreJsonContext.Default.StatusRecord, default);
        await store.UpsertAsync(Containers.Timelines, TimelineKeys.Account(accountId), SnowflakeIds.Sortable(id), new TimelineEntry(id, accountId, status.ReblogOfId), StoreJsonContext.Default.TimelineEntry, null, default);
        return id;
    }
}
