using System.Net;
using System.Text.Json.Nodes;
using Serverless.Core.Notifications;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Accounts.AccountsApi;

namespace Serverless.Tests.Accounts;

/// <summary>Follows, follow requests, relationships and counters, over HTTP against the standalone host.</summary>
public sealed class FollowTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Following_merges_recent_posts_fans_out_new_ones_and_unfollowing_takes_them_away()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var old = await PostStatusAsync(bob, Id(bobAccount), new JsonObject { ["status"] = "an older post" });
        var oldPrivate = await PostStatusAsync(bob, Id(bobAccount), new JsonObject { ["status"] = "for followers", ["visibility"] = "private" });

        var relationship = await PostAsync(alice, $"/api/v1/accounts/{Id(bobAccount)}/follow");
        Assert.Equal(Id(bobAccount), Id(relationship));
        Assert.True(relationship["following"]!.GetValue<bool>());
        Assert.True(relationship["showing_reblogs"]!.GetValue<bool>());
        Assert.False(relationship["notifying"]!.GetValue<bool>());
        Assert.False(relationship["requested"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());

        // Bob's recent posts, the private one included, are merged into Alice's home at once.
        var (home, homeResponse) = await GetListAsync(alice, "/api/v1/timelines/home");
        homeResponse.Dispose();
        Assert.Equal([Id(oldPrivate), Id(old)], IdsOf(home));

        // Bob's next post reaches Alice's home through fan-out.
        var fresh = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "a new post" });
        await StandaloneServer.EventuallyAsync(async () =>
        {
            var (items, response) = await GetListAsync(alice, "/api/v1/timelines/home");
            response.Dispose();
            return IdsOf(items).Contains(Id(fresh)) ? items : null;
        });

        // Counters on both sides, and Bob sees Alice following him.
        Assert.Equal(1, (await GetObjectAsync(alice, $"/api/v1/accounts/{Id(bobAccount)}"))["followers_count"]!.GetValue<long>());
        Assert.Equal(1, (await GetObjectAsync(alice, "/api/v1/accounts/verify_credentials"))["following_count"]!.GetValue<long>());
        var fromBob = await RelationshipAsync(bob, Id(aliceAccount));
        Assert.True(fromBob["followed_by"]!.GetValue<bool>());
        Assert.False(fromBob["following"]!.GetValue<bool>());

        // Bob was notified.
        var notifications = await NotificationsAsync(_server, Id(bobAccount));
        var follow = Assert.Single(notifications, n => n.Type == NotificationTypes.Follow);
        Assert.Equal(Id(aliceAccount), follow.FromAccountId);

        // Unfollowing takes Bob's posts off Alice's home and the counters back down.
        var after = await PostAsync(alice, $"/api/v1/accounts/{Id(bobAccount)}/unfollow");
        Assert.False(after["following"]!.GetValue<bool>());
        var (homeAfter, homeAfterResponse) = await GetListAsync(alice, "/api/v1/timelines/home");
        homeAfterResponse.Dispose();
        Assert.Empty(homeAfter);
        Assert.Equal(0, (await GetObjectAsync(alice, $"/api/v1/accounts/{Id(bobAccount)}"))["followers_count"]!.GetValue<long>());
        Assert.Equal(0, (await GetObjectAsync(alice, "/api/v1/accounts/verify_credentials"))["following_count"]!.GetValue<long>());
        Assert.False((await RelationshipAsync(bob, Id(aliceAccount)))["followed_by"]!.GetValue<bool>());

        // As in Mastodon, the follow notification goes with the follow.
        Assert.DoesNotContain(await NotificationsAsync(_server, Id(bobAccount)), n => n.Type == NotificationTypes.Follow);
    }

    [Fact]
    public async Task Follow_options_are_kept_and_following_again_changes_them_without_counting_twice()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (_, bobAccount) = await _server.SignUpAsync("bob");
        var bobId = Id(bobAccount);

        var first = await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow", new JsonObject { ["reblogs"] = false, ["notify"] = true, ["languages"] = new JsonArray("en", "de") });
        Assert.False(first["showing_reblogs"]!.GetValue<bool>());
        Assert.True(first["notifying"]!.GetValue<bool>());
        Assert.Equal(["en", "de"], first["languages"]!.AsArray().Select(l => l!.GetValue<string>()));

        // A form body, as Tusky sends it; options not sent stay as they were.
        using var form = new FormUrlEncodedContent([new("reblogs", "true")]);
        var (status, again, response) = await SendAsync(alice, HttpMethod.Post, $"/api/v1/accounts/{bobId}/follow", form);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(again!["showing_reblogs"]!.GetValue<bool>());
        Assert.True(again["notifying"]!.GetValue<bool>());
        Assert.Equal(["en", "de"], again["languages"]!.AsArray().Select(l => l!.GetValue<string>()));

        var relationship = await RelationshipAsync(alice, bobId);
        Assert.True(relationship["showing_reblogs"]!.GetValue<bool>());
        Assert.Equal(1, (await GetObjectAsync(alice, $"/api/v1/accounts/{bobId}"))["followers_count"]!.GetValue<long>());
        Assert.Single(await NotificationsAsync(_server, bobId), n => n.Type == NotificationTypes.Follow);
    }

    [Fact]
    public async Task Locked_accounts_get_requests_that_can_be_authorized_or_rejected()
    {
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (dave, daveAccount) = await _server.SignUpAsync("dave");
        var carolId = Id(carolAccount);
        var locked = await PatchJsonAsync(carol, "/api/v1/accounts/update_credentials", new JsonObject { ["locked"] = true });
        Assert.True(locked["locked"]!.GetValue<bool>());
        var secret = await PostStatusAsync(carol, carolId, new JsonObject { ["status"] = "only for followers", ["visibility"] = "private" });

        var requested = await PostAsync(alice, $"/api/v1/accounts/{carolId}/follow");
        Assert.True(requested["requested"]!.GetValue<bool>());
        Assert.False(requested["following"]!.GetValue<bool>());
        await PostAsync(dave, $"/api/v1/accounts/{carolId}/follow");

        // Carol sees both requests, newest first, and the count in her source.
        var (pending, pendingResponse) = await GetListAsync(carol, "/api/v1/follow_requests");
        Assert.Equal([Id(daveAccount), Id(aliceAccount)], IdsOf(pending));
        Assert.NotNull(Link(pendingResponse, "next"));
        pendingResponse.Dispose();
        Assert.True((await RelationshipAsync(carol, Id(aliceAccount)))["requested_by"]!.GetValue<bool>());
        Assert.Equal(2, (await GetObjectAsync(carol, "/api/v1/accounts/verify_credentials"))["source"]!["follow_requests_count"]!.GetValue<long>());
        Assert.Equal(2, (await NotificationsAsync(_server, carolId)).Count(n => n.Type == NotificationTypes.FollowRequest));

        // Until authorized, the private post stays hidden from Alice.
        var (hidden, hiddenResponse) = await GetListAsync(alice, $"/api/v1/accounts/{carolId}/statuses");
        hiddenResponse.Dispose();
        Assert.Empty(hidden);

        var authorized = await PostAsync(carol, $"/api/v1/follow_requests/{Id(aliceAccount)}/authorize");
        Assert.True(authorized["followed_by"]!.GetValue<bool>());
        Assert.False(authorized["requested_by"]!.GetValue<bool>());
        var aliceView = await RelationshipAsync(alice, carolId);
        Assert.True(aliceView["following"]!.GetValue<bool>());
        Assert.False(aliceView["requested"]!.GetValue<bool>());
        Assert.Equal(1, (await GetObjectAsync(alice, $"/api/v1/accounts/{carolId}"))["followers_count"]!.GetValue<long>());

        // Alice now sees the private post on Carol's profile and at home (merged on authorization).
        var (visible, visibleResponse) = await GetListAsync(alice, $"/api/v1/accounts/{carolId}/statuses");
        visibleResponse.Dispose();
        Assert.Equal([Id(secret)], IdsOf(visible));
        var (home, homeResponse) = await GetListAsync(alice, "/api/v1/timelines/home");
        homeResponse.Dispose();
        Assert.Contains(Id(secret), IdsOf(home));

        // A handled request's notification is gone; the pending one stays.
        var requestNotifications = (await NotificationsAsync(_server, carolId)).Where(n => n.Type == NotificationTypes.FollowRequest).ToList();
        Assert.Equal(Id(daveAccount), Assert.Single(requestNotifications).FromAccountId);

        var rejected = await PostAsync(carol, $"/api/v1/follow_requests/{Id(daveAccount)}/reject");
        Assert.False(rejected["followed_by"]!.GetValue<bool>());
        Assert.False(rejected["requested_by"]!.GetValue<bool>());
        var daveView = await RelationshipAsync(dave, carolId);
        Assert.False(daveView["following"]!.GetValue<bool>());
        Assert.False(daveView["requested"]!.GetValue<bool>());

        var (none, noneResponse) = await GetListAsync(carol, "/api/v1/follow_requests");
        noneResponse.Dispose();
        Assert.Empty(none);
        Assert.Equal(0, (await GetObjectAsync(carol, "/api/v1/accounts/verify_credentials"))["source"]!["follow_requests_count"]!.GetValue<long>());
        Assert.DoesNotContain(await NotificationsAsync(_server, carolId), n => n.Type == NotificationTypes.FollowRequest);

        var (missingStatus, _, missingResponse) = await SendAsync(carol, HttpMethod.Post, $"/api/v1/follow_requests/{Id(daveAccount)}/authorize");
        missingResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Withdrawing_a_request_and_unlocking_an_account()
    {
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (dave, _) = await _server.SignUpAsync("dave");
        var carolId = Id(carolAccount);
        await PatchJsonAsync(carol, "/api/v1/accounts/update_credentials", new JsonObject { ["locked"] = true });

        await PostAsync(dave, $"/api/v1/accounts/{carolId}/follow");
        var withdrawn = await PostAsync(dave, $"/api/v1/accounts/{carolId}/unfollow");
        Assert.False(withdrawn["requested"]!.GetValue<bool>());

        // Unlocking accepts what is still pending, as Mastodon does.
        await PostAsync(alice, $"/api/v1/accounts/{carolId}/follow");
        var unlocked = await PatchJsonAsync(carol, "/api/v1/accounts/update_credentials", new JsonObject { ["locked"] = false });
        Assert.False(unlocked["locked"]!.GetValue<bool>());
        Assert.Equal(1, unlocked["followers_count"]!.GetValue<long>());
        Assert.True((await RelationshipAsync(alice, carolId))["following"]!.GetValue<bool>());
        var (pending, response) = await GetListAsync(carol, "/api/v1/follow_requests");
        response.Dispose();
        Assert.Empty(pending);
        Assert.True((await RelationshipAsync(carol, Id(aliceAccount)))["followed_by"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Followers_and_following_page_newest_first_through_link_headers()
    {
        var (target, targetAccount) = await _server.SignUpAsync("target");
        var targetId = Id(targetAccount);
        var followers = new List<string>();
        HttpClient? first = null;
        for (var i = 0; i < 5; i++)
        {
            var (client, account) = await _server.SignUpAsync($"fan{i}");
            await PostAsync(client, $"/api/v1/accounts/{targetId}/follow");
            followers.Add(Id(account));
            first ??= client;
        }

        followers.Reverse();
        var seen = new List<string>();
        var path = $"/api/v1/accounts/{targetId}/followers?limit=2";
        HttpResponseMessage? secondPage = null;
        for (var pages = 0; path is not null && pages < 5; pages++)
        {
            var (items, response) = await GetListAsync(target, path);
            seen.AddRange(IdsOf(items));
            path = items.Count == 0 ? null : Link(response, "next");
            if (pages == 1)
            {
                secondPage = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal(followers, seen);

        // "prev" from the second page leads back to the newest followers.
        var (previous, previousResponse) = await GetListAsync(target, Link(secondPage!, "prev")!);
        secondPage!.Dispose();
        previousResponse.Dispose();
        Assert.Equal(followers.Take(2), IdsOf(previous));

        // The first fan follows two more accounts: following lists them newest first.
        var (_, other1) = await _server.SignUpAsync("other1");
        var (_, other2) = await _server.SignUpAsync("other2");
        await PostAsync(first!, $"/api/v1/accounts/{Id(other1)}/follow");
        await PostAsync(first!, $"/api/v1/accounts/{Id(other2)}/follow");
        var (following, followingResponse) = await GetListAsync(_server.Client, $"/api/v1/accounts/{followers[^1]}/following");
        Assert.Equal([Id(other2), Id(other1), targetId], IdsOf(following));
        Assert.NotNull(Link(followingResponse, "next"));
        followingResponse.Dispose();
        Assert.Equal(3, (await GetObjectAsync(_server.Client, $"/api/v1/accounts/{followers[^1]}"))["following_count"]!.GetValue<long>());

        // Hidden collections are empty to others but not to the owner.
        await PatchJsonAsync(target, "/api/v1/accounts/update_credentials", new JsonObject { ["hide_collections"] = true });
        var (hidden, hiddenResponse) = await GetListAsync(_server.Client, $"/api/v1/accounts/{targetId}/followers");
        hiddenResponse.Dispose();
        Assert.Empty(hidden);
        var (own, ownResponse) = await GetListAsync(target, $"/api/v1/accounts/{targetId}/followers?limit=80");
        ownResponse.Dispose();
        Assert.Equal(5, own.Count);
    }

    [Fact]
    public async Task Relationships_notes_familiar_followers_and_errors()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (aliceId, bobId, carolId) = (Id(aliceAccount), Id(bobAccount), Id(carolAccount));

        // Alice follows Bob; Bob and Alice follow Carol: Bob is a familiar follower of Carol for Alice.
        await PostAsync(alice, $"/api/v1/accounts/{bobId}/follow");
        await PostAsync(bob, $"/api/v1/accounts/{carolId}/follow");
        await PostAsync(bob, $"/api/v1/accounts/{aliceId}/follow");

        var (relationships, response) = await GetListAsync(alice, $"/api/v1/accounts/relationships?id[]={bobId}&id[]={carolId}&id[]=999999&id[]=nonsense");
        response.Dispose();
        Assert.Equal([bobId, carolId], IdsOf(relationships));
        var withBob = relationships[0]!;
        Assert.True(withBob["following"]!.GetValue<bool>());
        Assert.True(withBob["followed_by"]!.GetValue<bool>());
        foreach (var flag in new[] { "blocking", "blocked_by", "muting", "muting_notifications", "domain_blocking", "endorsed", "requested", "requested_by" })
        {
            Assert.False(withBob[flag]!.GetValue<bool>());
        }

        Assert.Equal("", withBob["note"]!.GetValue<string>());
        Assert.False(relationships[1]!["following"]!.GetValue<bool>());

        var noted = await PostAsync(alice, $"/api/v1/accounts/{carolId}/note", new JsonObject { ["comment"] = "met at the conference" });
        Assert.Equal("met at the conference", noted["note"]!.GetValue<string>());
        Assert.Equal("met at the conference", (await RelationshipAsync(alice, carolId))["note"]!.GetValue<string>());
        Assert.Equal("", (await RelationshipAsync(bob, carolId))["note"]!.GetValue<string>());
        await PostAsync(alice, $"/api/v1/accounts/{carolId}/note", new JsonObject { ["comment"] = "" });
        Assert.Equal("", (await RelationshipAsync(alice, carolId))["note"]!.GetValue<string>());

        var (familiar, familiarResponse) = await GetListAsync(alice, $"/api/v1/accounts/familiar_followers?id[]={carolId}&id[]={bobId}");
        familiarResponse.Dispose();
        Assert.Equal(carolId, Id(familiar[0]));
        Assert.Equal([bobId], IdsOf(familiar[0]!["accounts"]!.AsArray()));
        Assert.Equal(bobId, Id(familiar[1]));
        Assert.Empty(familiar[1]!["accounts"]!.AsArray());

        // Several accounts at once, in the order asked.
        var (several, severalResponse) = await GetListAsync(_server.Client, $"/api/v1/accounts?id[]={carolId}&id[]=424242&id[]={aliceId}");
        severalResponse.Dispose();
        Assert.Equal([carolId, aliceId], IdsOf(several));
        var (tags, tagsResponse) = await GetListAsync(_server.Client, $"/api/v1/accounts/{carolId}/featured_tags");
        tagsResponse.Dispose();
        Assert.Empty(tags);

        // Carol removes Bob from her followers.
        var removed = await PostAsync(carol, $"/api/v1/accounts/{bobId}/remove_from_followers");
        Assert.False(removed["followed_by"]!.GetValue<bool>());
        Assert.False((await RelationshipAsync(bob, carolId))["following"]!.GetValue<bool>());
        Assert.Equal(0, (await GetObjectAsync(carol, "/api/v1/accounts/verify_credentials"))["followers_count"]!.GetValue<long>());

        // Mastodon's answers to impossible follows.
        var (self, _, selfResponse) = await SendAsync(alice, HttpMethod.Post, $"/api/v1/accounts/{aliceId}/follow");
        selfResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, self);
        var (unknown, unknownBody, unknownResponse) = await SendAsync(alice, HttpMethod.Post, "/api/v1/accounts/12345/follow");
        unknownResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Record not found", unknownBody!["error"]!.GetValue<string>());

        // A remote account is only requested until its server sends Accept.
        var remoteId = await _server.SaveRemoteAccountAsync("remote", "remote.example");
        var (remote, remoteBody, remoteResponse) = await SendAsync(alice, HttpMethod.Post, $"/api/v1/accounts/{remoteId}/follow");
        remoteResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, remote);
        Assert.True(remoteBody!["requested"]!.GetValue<bool>());
        Assert.False(remoteBody["following"]!.GetValue<bool>());

        var (anonymous, _, anonymousResponse) = await SendAsync(_server.Client, HttpMethod.Get, $"/api/v1/accounts/relationships?id[]={bobId}");
        anonymousResponse.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        var (readOnly, _) = await _server.SignUpAsync("reader", scopes: "read write:accounts");
        var (forbidden, _, forbiddenResponse) = await SendAsync(readOnly, HttpMethod.Post, $"/api/v1/accounts/{bobId}/follow");
        forbiddenResponse.Dispose();
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }
}
