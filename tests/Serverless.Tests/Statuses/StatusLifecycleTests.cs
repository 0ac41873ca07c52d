using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Notifications;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Statuses.StatusesApi;

namespace Serverless.Tests.Statuses;

/// <summary>Posting (mentions, hashtags, visibility, media), threads, editing and deleting, over HTTP.</summary>
public sealed class StatusLifecycleTests(StatusesServerFixture fixture) : IClassFixture<StatusesServerFixture>
{
    private StandaloneServer Server => fixture.Server;

    [Fact]
    public async Task Mentions_and_hashtags_become_links_are_listed_and_mentioned_accounts_are_notified()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (_, bobId, bobName) = await fixture.UserAsync("bob");

        var status = await PostStatusAsync(alice, $"hi @{bobName} and @ghost, see #Café and #日本");
        var bobUrl = $"{Server.Client.BaseAddress!.ToString().TrimEnd('/')}/@{bobName}";
        var content = status["content"]!.GetValue<string>();
        Assert.Contains($"<span class=\"h-card\" translate=\"no\"><a href=\"{bobUrl}\" class=\"u-url mention\">@<span>{bobName}</span></a></span>", content, StringComparison.Ordinal);
        Assert.Contains("and @ghost,", content, StringComparison.Ordinal);
        Assert.Contains("<a href=\"http://127.0.0.1:", content, StringComparison.Ordinal);
        Assert.Contains("/tags/Caf%C3%A9\" class=\"mention hashtag\" rel=\"tag\">#<span>Café</span></a>", content, StringComparison.Ordinal);

        var mention = Assert.Single(status["mentions"]!.AsArray());
        Assert.Equal(bobId, Id(mention));
        Assert.Equal(bobName, mention!["acct"]!.GetValue<string>());
        Assert.Equal(bobUrl, mention["url"]!.GetValue<string>());
        Assert.Equal(["café", "日本"], status["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));

        var notification = Assert.Single(await NotificationsAsync(Server, bobId));
        Assert.Equal(NotificationTypes.Mention, notification.Type);
        Assert.Equal(aliceId, notification.FromAccountId);
        Assert.Equal(Id(status), notification.StatusId);
    }

    [Fact]
    public async Task Known_remote_accounts_are_mentioned_and_unknown_ones_stay_text()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var remote = await Server.SaveRemoteAccountAsync("dana", "remote.example");

        var status = await PostStatusAsync(alice, "hello @dana@remote.example and @erin@remote.example");
        Assert.Contains("<a href=\"https://remote.example/@dana\" class=\"u-url mention\">@<span>dana</span></a>", status["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("and @erin@remote.example</p>", status["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var mention = Assert.Single(status["mentions"]!.AsArray());
        Assert.Equal(remote, Id(mention));
        Assert.Equal("dana@remote.example", mention!["acct"]!.GetValue<string>());
        Assert.Empty(await NotificationsAsync(Server, remote));
    }

    [Fact]
    public async Task Several_statuses_are_fetched_at_once_leaving_out_what_the_caller_may_not_see()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var first = await PostStatusAsync(alice, "one");
        var second = await PostStatusAsync(alice, "two", "private");
        var third = await PostStatusAsync(alice, "three", "unlisted");

        var path = $"/api/v1/statuses?id[]={Id(third)}&id[]={Id(second)}&id[]=999&id[]={Id(first)}";
        Assert.Equal([Id(third), Id(first)], (await GetListAsync(bob, path)).Select(Id));
        Assert.Equal([Id(third), Id(second), Id(first)], (await GetListAsync(alice, path)).Select(Id));
    }

    [Fact]
    public async Task The_character_limit_counts_urls_as_23_and_remote_mentions_by_username()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var longUrl = "https://example.com/" + new string('a', 600);
        await PostStatusAsync(alice, new string('x', 500 - 24) + " " + longUrl);

        var (status, error) = await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = new string('x', 501) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Validation failed: Text character limit of 500 exceeded", error);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Text can't be blank"), await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = " " }));
    }

    [Fact]
    public async Task Direct_statuses_reach_only_mentioned_accounts_and_private_ones_followers()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, bobId, bobName) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");

        var direct = await PostStatusAsync(alice, $"@{bobName} between us", "direct");
        Assert.Equal("direct", (await GetAsync(bob, $"/api/v1/statuses/{Id(direct)}"))["visibility"]!.GetValue<string>());
        await ExpectAsync(carol, HttpMethod.Get, $"/api/v1/statuses/{Id(direct)}", HttpStatusCode.NotFound);
        await ExpectAsync(Server.Client, HttpMethod.Get, $"/api/v1/statuses/{Id(direct)}", HttpStatusCode.NotFound);
        // As on Mastodon, a direct message from someone Bob does not follow is a conversation and a
        // mention, not a post in his home feed.
        await StandaloneServer.EventuallyAsync(async () => (await GetListAsync(bob, "/api/v1/conversations")).Any(c => Id(c!["last_status"]) == Id(direct)) ? "" : null);
        Assert.DoesNotContain(Id(direct), await TimelineIdsAsync(bob, "/api/v1/timelines/home"));

        var forFollowers = await PostStatusAsync(alice, "followers only", "private");
        await ExpectAsync(bob, HttpMethod.Get, $"/api/v1/statuses/{Id(forFollowers)}", HttpStatusCode.NotFound);
        await GetAsync(alice, $"/api/v1/statuses/{Id(forFollowers)}");
        await PostAsync(bob, $"/api/v1/accounts/{Id(forFollowers["account"])}/follow");
        await GetAsync(bob, $"/api/v1/statuses/{Id(forFollowers)}");
        await ExpectAsync(carol, HttpMethod.Get, $"/api/v1/statuses/{Id(forFollowers)}", HttpStatusCode.NotFound);

        // Once Bob follows Alice, her direct messages to him are in his home feed too.
        var later = await PostStatusAsync(alice, $"@{bobName} now you follow me", "direct");
        await StandaloneServer.EventuallyAsync(async () => (await TimelineIdsAsync(bob, "/api/v1/timelines/home")).Contains(Id(later)) ? "" : null);
        _ = bobId;
    }

    [Fact]
    public async Task A_thread_shows_its_context_from_both_ends_with_what_each_viewer_may_see()
    {
        var (alice, aliceId, aliceName) = await fixture.UserAsync("alice");
        var (bob, _, bobName) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");

        var root = await PostStatusAsync(alice, "root");
        var bobReply = await PostStatusAsync(bob, $"@{aliceName} reply", inReplyToId: Id(root));
        Assert.Equal(Id(root), bobReply["in_reply_to_id"]!.GetValue<string>());
        Assert.Equal(aliceId, bobReply["in_reply_to_account_id"]!.GetValue<string>());
        var aliceAnswer = await PostStatusAsync(alice, $"@{bobName} answer", inReplyToId: Id(bobReply));
        var secondBranch = await PostStatusAsync(alice, "second branch", inReplyToId: Id(root));
        var hidden = await PostStatusAsync(bob, "for my followers only", "private", Id(root));

        Assert.Equal(3, (await GetAsync(alice, $"/api/v1/statuses/{Id(root)}"))["replies_count"]!.GetValue<long>());

        // Depth first, oldest first among siblings; Carol (no follower of Bob) does not see his private reply.
        var fromRoot = await GetAsync(carol, $"/api/v1/statuses/{Id(root)}/context");
        Assert.Empty(fromRoot["ancestors"]!.AsArray());
        Assert.Equal([Id(bobReply), Id(aliceAnswer), Id(secondBranch)], fromRoot["descendants"]!.AsArray().Select(Id));
        var asBob = await GetAsync(bob, $"/api/v1/statuses/{Id(root)}/context");
        Assert.Equal([Id(bobReply), Id(aliceAnswer), Id(secondBranch), Id(hidden)], asBob["descendants"]!.AsArray().Select(Id));

        var fromLeaf = await GetAsync(Server.Client, $"/api/v1/statuses/{Id(aliceAnswer)}/context");
        Assert.Equal([Id(root), Id(bobReply)], fromLeaf["ancestors"]!.AsArray().Select(Id));
        Assert.Empty(fromLeaf["descendants"]!.AsArray());

        var fromMiddle = await GetAsync(alice, $"/api/v1/statuses/{Id(bobReply)}/context");
        Assert.Equal([Id(root)], fromMiddle["ancestors"]!.AsArray().Select(Id));
        Assert.Equal([Id(aliceAnswer)], fromMiddle["descendants"]!.AsArray().Select(Id));

        Assert.Equal(
            (HttpStatusCode.NotFound, "The post you are trying to reply to does not appear to exist."),
            await ErrorAsync(carol, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = "hm", ["in_reply_to_id"] = Id(hidden) }));
    }

    [Fact]
    public async Task Deleting_answers_with_the_source_then_the_status_is_gone_everywhere()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var root = await PostStatusAsync(alice, "root");
        var status = await PostStatusAsync(alice, "regret #oops", inReplyToId: Id(root));
        await StandaloneServer.EventuallyAsync(async () => (await TimelineIdsAsync(alice, "/api/v1/timelines/public?local=true")).Contains(Id(status)) ? "" : null);
        await PostAsync(bob, $"/api/v1/statuses/{Id(status)}/favourite");
        var reblog = await PostAsync(bob, $"/api/v1/statuses/{Id(status)}/reblog");
        var before = (await GetAsync(alice, "/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<long>();

        await ExpectAsync(bob, HttpMethod.Delete, $"/api/v1/statuses/{Id(status)}", HttpStatusCode.NotFound);
        var deleted = (await ExpectAsync(alice, HttpMethod.Delete, $"/api/v1/statuses/{Id(status)}", HttpStatusCode.OK)).AsObject();
        Assert.Equal(Id(status), Id(deleted));
        Assert.Equal("regret #oops", deleted["text"]!.GetValue<string>());
        Assert.Equal(1, deleted["favourites_count"]!.GetValue<long>());

        await ExpectAsync(alice, HttpMethod.Get, $"/api/v1/statuses/{Id(status)}", HttpStatusCode.NotFound);
        await ExpectAsync(alice, HttpMethod.Delete, $"/api/v1/statuses/{Id(status)}", HttpStatusCode.NotFound);
        await ExpectAsync(bob, HttpMethod.Get, $"/api/v1/statuses/{Id(reblog)}", HttpStatusCode.NotFound);
        Assert.DoesNotContain(Id(status), await TimelineIdsAsync(alice, "/api/v1/timelines/home"));
        Assert.DoesNotContain(Id(status), await TimelineIdsAsync(alice, "/api/v1/timelines/public?local=true"));
        Assert.DoesNotContain(Id(reblog), await TimelineIdsAsync(bob, "/api/v1/timelines/home"));
        Assert.Empty((await GetAsync(alice, $"/api/v1/statuses/{Id(root)}/context"))["descendants"]!.AsArray());
        Assert.Equal(0, (await GetAsync(alice, $"/api/v1/statuses/{Id(root)}"))["replies_count"]!.GetValue<long>());
        Assert.Equal(before - 1, (await GetAsync(alice, "/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<long>());
        _ = aliceId;
    }

    [Fact]
    public async Task Media_attach_to_a_status_without_text_and_come_back_for_a_redraft()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var mediaId = await StoreUploadAsync(aliceId);

        var status = await PostAsync(alice, "/api/v1/statuses", new JsonObject { ["media_ids"] = new JsonArray(mediaId) });
        Assert.Equal("", status["content"]!.GetValue<string>());
        Assert.Equal([mediaId], status["media_attachments"]!.AsArray().Select(Id));

        // Used: not again, and not by someone else; nor with a poll.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["media_ids"] = new JsonArray(mediaId) })).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ErrorAsync(bob, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = "x", ["media_ids"] = new JsonArray(await StoreUploadAsync(aliceId)) })).Status);
        var withPoll = new JsonObject { ["status"] = "x", ["media_ids"] = new JsonArray(await StoreUploadAsync(aliceId)), ["poll"] = new JsonObject { ["options"] = new JsonArray("a", "b"), ["expires_in"] = 600 } };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", withPoll)).Status);

        var deleted = (await ExpectAsync(alice, HttpMethod.Delete, $"/api/v1/statuses/{Id(status)}", HttpStatusCode.OK)).AsObject();
        Assert.Equal([mediaId], deleted["media_attachments"]!.AsArray().Select(Id));
        var redraft = await PostAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "again", ["media_ids"] = new JsonArray(mediaId) });
        Assert.Equal([mediaId], redraft["media_attachments"]!.AsArray().Select(Id));
    }

    [Fact]
    public async Task Editing_keeps_a_history_with_the_original_and_the_source()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, bobId, bobName) = await fixture.UserAsync("bob");
        var status = await PostStatusAsync(alice, "first version");
        var id = Id(status);
        await PostAsync(bob, $"/api/v1/statuses/{id}/reblog");

        var history = await GetListAsync(Server.Client, $"/api/v1/statuses/{id}/history");
        Assert.Equal("<p>first version</p>", Assert.Single(history)!["content"]!.GetValue<string>());

        var edited = (await ExpectAsync(alice, HttpMethod.Put, $"/api/v1/statuses/{id}", HttpStatusCode.OK, new JsonObject
        {
            ["status"] = $"second version @{bobName} #edited",
            ["spoiler_text"] = "cw",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("yes", "no"), ["expires_in"] = 3600 },
        })).AsObject();
        Assert.Equal(id, Id(edited));
        Assert.NotNull(edited["edited_at"]);
        Assert.StartsWith("<p>second version <span class=\"h-card\"", edited["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(edited["sensitive"]!.GetValue<bool>());
        Assert.Equal(["yes", "no"], edited["poll"]!["options"]!.AsArray().Select(o => o!["title"]!.GetValue<string>()));
        Assert.Equal(["edited"], edited["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));

        await ExpectAsync(alice, HttpMethod.Put, $"/api/v1/statuses/{id}", HttpStatusCode.OK, new JsonObject { ["status"] = "third version" });

        history = await GetListAsync(alice, $"/api/v1/statuses/{id}/history");
        Assert.Equal(["<p>first version</p>", edited["content"]!.GetValue<string>(), "<p>third version</p>"], history.Select(h => h!["content"]!.GetValue<string>()));
        Assert.Null(history[0]!["poll"]);
        Assert.Equal(["yes", "no"], history[1]!["poll"]!["options"]!.AsArray().Select(o => o!["title"]!.GetValue<string>()));
        Assert.Equal("cw", history[1]!["spoiler_text"]!.GetValue<string>());
        Assert.Equal(status["created_at"]!.GetValue<string>(), history[0]!["created_at"]!.GetValue<string>());

        var source = await GetAsync(alice, $"/api/v1/statuses/{id}/source");
        Assert.Equal(new JsonObject { ["id"] = id, ["text"] = "third version", ["spoiler_text"] = "" }.ToJsonString(), source.ToJsonString());

        // Bob, mentioned by the edit and a reblogger, is told; he cannot edit it himself.
        var notifications = await NotificationsAsync(Server, bobId);
        Assert.Contains(notifications, n => n.Type == NotificationTypes.Mention && n.StatusId == id);
        Assert.Contains(notifications, n => n.Type == NotificationTypes.Update && n.StatusId == id);
        await ExpectAsync(bob, HttpMethod.Put, $"/api/v1/statuses/{id}", HttpStatusCode.NotFound, new JsonObject { ["status"] = "mine now" });
        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, "Validation failed: Text can't be blank"),
            await ErrorAsync(alice, HttpMethod.Put, $"/api/v1/statuses/{id}", new JsonObject { ["status"] = "" }));
    }

    /// <summary>An upload as the media API would leave it, written straight to the store (uploading is another area's).</summary>
    private async Task<string> StoreUploadAsync(string accountId)
    {
        var store = Server.Services.GetRequiredService<IDocumentStore>();
        var id = Server.Services.GetRequiredService<Core.Ids.SnowflakeIds>().NextString();
        var media = new MediaAttachmentRecord
        {
            Id = id,
            AccountId = accountId,
            Type = "image",
            State = MediaStates.Ready,
            ContentType = "image/png",
            FileKey = $"media/{id}.png",
            PreviewKey = $"media/{id}-small.png",
            Width = 4,
            Height = 3,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.CreateAsync(Containers.Media, id, id, media, StoreJsonContext.Default.MediaAttachmentRecord, CancellationToken.None);
        return id;
    }
}
