using System.Net;
using System.Text.Json.Nodes;
using Serverless.Core.Notifications;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Statuses.StatusesApi;

namespace Serverless.Tests.Statuses;

/// <summary>Favourites, reblogs, bookmarks, pins and conversation mutes over HTTP, as two users see them.</summary>
public sealed class InteractionsTests(StatusesServerFixture fixture) : IClassFixture<StatusesServerFixture>
{
    private StandaloneServer Server => fixture.Server;

    [Fact]
    public async Task Favourite_sets_the_flag_and_count_lists_the_account_and_notifies_the_author_and_unfavourite_undoes_all()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var status = await PostStatusAsync(alice, "like me");
        var id = Id(status);

        var favourited = await PostAsync(bob, $"/api/v1/statuses/{id}/favourite");
        Assert.True(favourited["favourited"]!.GetValue<bool>());
        Assert.Equal(1, favourited["favourites_count"]!.GetValue<long>());

        // Again: nothing changes.
        var again = await PostAsync(bob, $"/api/v1/statuses/{id}/favourite");
        Assert.Equal(1, again["favourites_count"]!.GetValue<long>());

        var asBob = await GetAsync(bob, $"/api/v1/statuses/{id}");
        Assert.True(asBob["favourited"]!.GetValue<bool>());
        var asAlice = await GetAsync(alice, $"/api/v1/statuses/{id}");
        Assert.False(asAlice["favourited"]!.GetValue<bool>());
        Assert.Equal(1, asAlice["favourites_count"]!.GetValue<long>());
        Assert.Null((await GetAsync(Server.Client, $"/api/v1/statuses/{id}"))["favourited"]);

        var by = await GetListAsync(Server.Client, $"/api/v1/statuses/{id}/favourited_by");
        Assert.Equal([bobId], by.Select(Id));

        var notification = Assert.Single(await NotificationsAsync(Server, aliceId), n => n.Type == NotificationTypes.Favourite);
        Assert.Equal(bobId, notification.FromAccountId);
        Assert.Equal(id, notification.StatusId);

        var unfavourited = await PostAsync(bob, $"/api/v1/statuses/{id}/unfavourite");
        Assert.False(unfavourited["favourited"]!.GetValue<bool>());
        Assert.Equal(0, unfavourited["favourites_count"]!.GetValue<long>());
        Assert.Empty(await GetListAsync(Server.Client, $"/api/v1/statuses/{id}/favourited_by"));
        Assert.DoesNotContain(await NotificationsAsync(Server, aliceId), n => n.Type == NotificationTypes.Favourite);

        // Undoing what was never done is fine too.
        Assert.False((await PostAsync(bob, $"/api/v1/statuses/{id}/unfavourite"))["favourited"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Favourited_by_pages_through_link_headers()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var status = await PostStatusAsync(alice, "popular");
        var fans = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (fan, fanId, _) = await fixture.UserAsync("fan");
            await PostAsync(fan, $"/api/v1/statuses/{Id(status)}/favourite");
            fans.Add(fanId);
        }

        var (_, first, response) = await SendAsync(Server.Client, HttpMethod.Get, $"/api/v1/statuses/{Id(status)}/favourited_by?limit=2");
        Assert.Equal([fans[2], fans[1]], first!.AsArray().Select(Id));
        var next = Link(response, "next");
        response.Dispose();
        Assert.NotNull(next);
        Assert.Equal([fans[0]], (await GetListAsync(Server.Client, next)).Select(Id));
    }

    [Fact]
    public async Task Reblog_returns_the_reblog_wrapping_the_original_reaches_home_and_notifies_and_unreblog_removes_it()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var original = await PostStatusAsync(alice, "boost me");
        var id = Id(original);

        var reblog = await PostAsync(bob, $"/api/v1/statuses/{id}/reblog", new JsonObject { ["visibility"] = "unlisted" });
        Assert.NotEqual(id, Id(reblog));
        Assert.Equal(bobId, Id(reblog["account"]));
        Assert.Equal("unlisted", reblog["visibility"]!.GetValue<string>());
        Assert.Equal(id, Id(reblog["reblog"]));
        Assert.True(reblog["reblog"]!["reblogged"]!.GetValue<bool>());
        Assert.Equal(1, reblog["reblog"]!["reblogs_count"]!.GetValue<long>());

        // Reblogging again gives the same reblog back.
        Assert.Equal(Id(reblog), Id(await PostAsync(bob, $"/api/v1/statuses/{id}/reblog")));

        Assert.True((await GetAsync(bob, $"/api/v1/statuses/{id}"))["reblogged"]!.GetValue<bool>());
        Assert.Equal([bobId], (await GetListAsync(Server.Client, $"/api/v1/statuses/{id}/reblogged_by")).Select(Id));
        await StandaloneServer.EventuallyAsync(async () => (await TimelineIdsAsync(bob, "/api/v1/timelines/home")).Contains(Id(reblog)) ? "" : null);
        var notification = Assert.Single(await NotificationsAsync(Server, aliceId), n => n.Type == NotificationTypes.Reblog);
        Assert.Equal(bobId, notification.FromAccountId);

        var undone = await PostAsync(bob, $"/api/v1/statuses/{id}/unreblog");
        Assert.Equal(id, Id(undone));
        Assert.False(undone["reblogged"]!.GetValue<bool>());
        Assert.Equal(0, undone["reblogs_count"]!.GetValue<long>());
        await ExpectAsync(bob, HttpMethod.Get, $"/api/v1/statuses/{Id(reblog)}", HttpStatusCode.NotFound);
        Assert.Empty(await GetListAsync(Server.Client, $"/api/v1/statuses/{id}/reblogged_by"));
        Assert.DoesNotContain(await TimelineIdsAsync(bob, "/api/v1/timelines/home"), s => s == Id(reblog));
        Assert.DoesNotContain(await NotificationsAsync(Server, aliceId), n => n.Type == NotificationTypes.Reblog);
    }

    [Fact]
    public async Task Deleting_a_reblog_is_an_unreblog()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var original = await PostStatusAsync(alice, "boost and regret");
        var reblog = await PostAsync(bob, $"/api/v1/statuses/{Id(original)}/reblog");

        await ExpectAsync(alice, HttpMethod.Delete, $"/api/v1/statuses/{Id(reblog)}", HttpStatusCode.NotFound);
        var deleted = (await ExpectAsync(bob, HttpMethod.Delete, $"/api/v1/statuses/{Id(reblog)}", HttpStatusCode.OK)).AsObject();
        Assert.Equal(Id(original), Id(deleted["reblog"]));

        var seen = await GetAsync(bob, $"/api/v1/statuses/{Id(original)}");
        Assert.False(seen["reblogged"]!.GetValue<bool>());
        Assert.Equal(0, seen["reblogs_count"]!.GetValue<long>());
        Assert.Empty(await GetListAsync(bob, $"/api/v1/statuses/{Id(original)}/reblogged_by"));

        // And it can be reblogged again.
        Assert.NotEqual(Id(reblog), Id(await PostAsync(bob, $"/api/v1/statuses/{Id(original)}/reblog")));
    }

    [Fact]
    public async Task Direct_and_others_private_statuses_cannot_be_reblogged()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, bobName) = await fixture.UserAsync("bob");
        var direct = await PostStatusAsync(alice, $"@{bobName} just us", "direct");

        var (status, error) = await ErrorAsync(bob, HttpMethod.Post, $"/api/v1/statuses/{Id(direct)}/reblog");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("This action is not allowed", error);

        // Her own private status she may reblog; it stays private.
        var own = await PostStatusAsync(alice, "followers only", "private");
        var reblog = await PostAsync(alice, $"/api/v1/statuses/{Id(own)}/reblog", new JsonObject { ["visibility"] = "public" });
        Assert.Equal("private", reblog["visibility"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bookmark_and_unbookmark_are_private_flags()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var status = await PostStatusAsync(alice, "remember me");

        Assert.True((await PostAsync(bob, $"/api/v1/statuses/{Id(status)}/bookmark"))["bookmarked"]!.GetValue<bool>());
        Assert.True((await GetAsync(bob, $"/api/v1/statuses/{Id(status)}"))["bookmarked"]!.GetValue<bool>());
        Assert.False((await GetAsync(alice, $"/api/v1/statuses/{Id(status)}"))["bookmarked"]!.GetValue<bool>());
        Assert.False((await PostAsync(bob, $"/api/v1/statuses/{Id(status)}/unbookmark"))["bookmarked"]!.GetValue<bool>());
        Assert.False((await GetAsync(bob, $"/api/v1/statuses/{Id(status)}"))["bookmarked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Pins_are_for_own_non_direct_statuses_up_to_five()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, bobName) = await fixture.UserAsync("bob");
        var first = await PostStatusAsync(alice, "pin 0");

        var pinned = await PostAsync(alice, $"/api/v1/statuses/{Id(first)}/pin");
        Assert.True(pinned["pinned"]!.GetValue<bool>());
        Assert.True((await GetAsync(alice, $"/api/v1/statuses/{Id(first)}"))["pinned"]!.GetValue<bool>());

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Someone else's post cannot be pinned"), await ErrorAsync(bob, HttpMethod.Post, $"/api/v1/statuses/{Id(first)}/pin"));
        var direct = await PostStatusAsync(alice, $"@{bobName} secret", "direct");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ErrorAsync(alice, HttpMethod.Post, $"/api/v1/statuses/{Id(direct)}/pin")).Status);

        for (var i = 1; i < 5; i++)
        {
            await PostAsync(alice, $"/api/v1/statuses/{Id(await PostStatusAsync(alice, $"pin {i}"))}/pin");
        }

        var sixth = await PostStatusAsync(alice, "one too many");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: You have already pinned the maximum number of posts"), await ErrorAsync(alice, HttpMethod.Post, $"/api/v1/statuses/{Id(sixth)}/pin"));

        Assert.False((await PostAsync(alice, $"/api/v1/statuses/{Id(first)}/unpin"))["pinned"]!.GetValue<bool>());
        Assert.True((await PostAsync(alice, $"/api/v1/statuses/{Id(sixth)}/pin"))["pinned"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Muting_a_conversation_sets_muted_and_stops_its_mention_notifications()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, bobId, bobName) = await fixture.UserAsync("bob");
        var root = await PostStatusAsync(alice, $"@{bobName} first");
        Assert.Single(await NotificationsAsync(Server, bobId), n => n.Type == NotificationTypes.Mention);

        var muted = await PostAsync(bob, $"/api/v1/statuses/{Id(root)}/mute");
        Assert.True(muted["muted"]!.GetValue<bool>());
        var reply = await PostStatusAsync(alice, $"@{bobName} second", inReplyToId: Id(root));
        Assert.True((await GetAsync(bob, $"/api/v1/statuses/{Id(reply)}"))["muted"]!.GetValue<bool>());
        Assert.Single(await NotificationsAsync(Server, bobId), n => n.Type == NotificationTypes.Mention);

        Assert.False((await PostAsync(bob, $"/api/v1/statuses/{Id(reply)}/unmute"))["muted"]!.GetValue<bool>());
        await PostStatusAsync(alice, $"@{bobName} third", inReplyToId: Id(reply));
        Assert.Equal(2, (await NotificationsAsync(Server, bobId)).Count(n => n.Type == NotificationTypes.Mention));
    }

    [Fact]
    public async Task Actions_on_unknown_or_invisible_statuses_answer_404()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var secret = await PostStatusAsync(alice, "only mine", "private");

        foreach (var action in new[] { "favourite", "reblog", "bookmark", "mute" })
        {
            Assert.Equal((HttpStatusCode.NotFound, "Record not found"), await ErrorAsync(bob, HttpMethod.Post, $"/api/v1/statuses/{Id(secret)}/{action}"));
            Assert.Equal(HttpStatusCode.NotFound, (await ErrorAsync(bob, HttpMethod.Post, $"/api/v1/statuses/12345/{action}")).Status);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await ErrorAsync(Server.Client, HttpMethod.Get, $"/api/v1/statuses/{Id(secret)}/favourited_by")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ErrorAsync(Server.Client, HttpMethod.Post, $"/api/v1/statuses/{Id(secret)}/favourite")).Status);
    }
}
