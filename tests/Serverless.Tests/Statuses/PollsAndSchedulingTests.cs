using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Json;
using Serverless.Core.Notifications;
using Serverless.Core.Scheduling;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;
using static Serverless.Tests.Statuses.StatusesApi;

namespace Serverless.Tests.Statuses;

/// <summary>Polls (creation rules, voting rules, hidden totals, the end) and scheduled statuses, over HTTP.</summary>
public sealed class PollsAndSchedulingTests(StatusesServerFixture fixture) : IClassFixture<StatusesServerFixture>
{
    private StandaloneServer Server => fixture.Server;

    private ScheduledStatusPublisher Publisher => Server.Services.GetRequiredService<ScheduledStatusPublisher>();

    [Fact]
    public async Task A_form_encoded_poll_with_hidden_totals_shows_them_only_to_voters_and_counts_one_vote_each()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");

        using var form = new FormUrlEncodedContent(
        [
            new("status", "which?"),
            new("poll[options][]", "tea"),
            new("poll[options][]", "coffee"),
            new("poll[expires_in]", "3600"),
            new("poll[hide_totals]", "true"),
        ]);
        using var response = await alice.PostAsync("/api/v1/statuses", form);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var poll = status["poll"]!;
        var pollId = Id(poll);
        Assert.False(poll["multiple"]!.GetValue<bool>());
        Assert.False(poll["expired"]!.GetValue<bool>());
        Assert.Equal(["tea", "coffee"], poll["options"]!.AsArray().Select(o => o!["title"]!.GetValue<string>()));

        var before = await GetAsync(bob, $"/api/v1/polls/{pollId}");
        Assert.All(before["options"]!.AsArray(), o => Assert.Null(o!["votes_count"]));
        Assert.False(before["voted"]!.GetValue<bool>());

        var voted = await PostAsync(bob, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(1) });
        Assert.True(voted["voted"]!.GetValue<bool>());
        Assert.Equal([1], voted["own_votes"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal([0L, 1L], voted["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));
        Assert.Equal(1, voted["votes_count"]!.GetValue<long>());

        // Bob sees his vote on the status; Carol, who has not voted, still sees no totals.
        Assert.Equal([1], (await GetAsync(bob, $"/api/v1/statuses/{Id(status)}"))["poll"]!["own_votes"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.All((await GetAsync(carol, $"/api/v1/polls/{pollId}"))["options"]!.AsArray(), o => Assert.Null(o!["votes_count"]));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: You have already voted on this poll"), await ErrorAsync(bob, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(0) }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: You cannot vote in your own polls"), await ErrorAsync(alice, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(0) }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: You have already voted on this poll"), await ErrorAsync(carol, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(0, 1) }));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: The chosen vote option does not exist"), await ErrorAsync(carol, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(2) }));
        Assert.Equal(HttpStatusCode.BadRequest, (await ErrorAsync(carol, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray() })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ErrorAsync(carol, HttpMethod.Post, "/api/v1/polls/123/votes", new JsonObject { ["choices"] = new JsonArray(0) })).Status);
    }

    [Fact]
    public async Task Multiple_choice_polls_take_several_choices_and_count_voters()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var (bob, _, _) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");
        var status = await PostAsync(alice, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "pick any",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("a", "b", "c"), ["expires_in"] = 300, ["multiple"] = true },
        });
        var pollId = Id(status["poll"]);

        await PostAsync(bob, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray("0", "2") });
        var poll = await PostAsync(carol, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(2) });
        Assert.Equal([1L, 0L, 2L], poll["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));
        Assert.Equal(3, poll["votes_count"]!.GetValue<long>());
        Assert.Equal(2, poll["voters_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Polls_are_validated_as_mastodon_does()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");

        async Task<(HttpStatusCode, string?)> Post(JsonArray options, int expiresIn) =>
            await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = "poll", ["poll"] = new JsonObject { ["options"] = options, ["expires_in"] = expiresIn } });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll options must have more than one item"), await Post(new JsonArray("only"), 600));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll options can't contain more than 4 items"), await Post(new JsonArray("1", "2", "3", "4", "5"), 600));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll options cannot be longer than 50 characters each"), await Post(new JsonArray("a", new string('b', 51)), 600));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll options contain duplicate items"), await Post(new JsonArray("a", "a"), 600));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll expires at is too soon"), await Post(new JsonArray("a", "b"), 299));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: Poll expires at is too far into the future"), await Post(new JsonArray("a", "b"), 2_629_747));
    }

    [Fact]
    public async Task An_ended_poll_refuses_votes_shows_totals_and_its_end_is_notified()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var (bob, bobId, _) = await fixture.UserAsync("bob");
        var (carol, _, _) = await fixture.UserAsync("carol");
        var status = await PostAsync(alice, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "quick",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("x", "y"), ["expires_in"] = 300, ["hide_totals"] = true },
        });
        var pollId = Id(status["poll"]);
        await PostAsync(bob, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(0) });

        // Nothing is due yet; five minutes later the poll has ended.
        await Publisher.PublishDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.DoesNotContain(await NotificationsAsync(Server, bobId), n => n.Type == NotificationTypes.Poll);
        await Publisher.PublishDueAsync(DateTimeOffset.UtcNow.AddMinutes(6), CancellationToken.None);
        Assert.Single(await NotificationsAsync(Server, bobId), n => n.Type == NotificationTypes.Poll && n.StatusId == Id(status));
        Assert.Single(await NotificationsAsync(Server, aliceId), n => n.Type == NotificationTypes.Poll && n.StatusId == Id(status));

        await EndPollAsync(pollId);
        var ended = await GetAsync(carol, $"/api/v1/polls/{pollId}");
        Assert.True(ended["expired"]!.GetValue<bool>());
        Assert.Equal([1L, 0L], ended["options"]!.AsArray().Select(o => o!["votes_count"]!.GetValue<long>()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "Validation failed: The poll has already ended"), await ErrorAsync(carol, HttpMethod.Post, $"/api/v1/polls/{pollId}/votes", new JsonObject { ["choices"] = new JsonArray(1) }));
    }

    [Fact]
    public async Task A_scheduled_status_is_listed_can_be_moved_and_is_published_when_due()
    {
        var (alice, aliceId, _) = await fixture.UserAsync("alice");
        var at = DateTimeOffset.UtcNow.AddMinutes(10);
        var scheduled = await PostAsync(alice, "/api/v1/statuses", new JsonObject
        {
            ["status"] = "from the past",
            ["scheduled_at"] = at.ToString("O"),
            ["visibility"] = "unlisted",
            ["poll"] = new JsonObject { ["options"] = new JsonArray("a", "b"), ["expires_in"] = 600 },
        });
        var id = Id(scheduled);
        Assert.Null(scheduled["content"]);
        Assert.Equal("from the past", scheduled["params"]!["text"]!.GetValue<string>());
        Assert.Equal("unlisted", scheduled["params"]!["visibility"]!.GetValue<string>());
        Assert.Equal(["a", "b"], scheduled["params"]!["poll"]!["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), scheduled["scheduled_at"]!.GetValue<string>());

        var second = await PostAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "never", ["scheduled_at"] = at.AddHours(1).ToString("O") });
        var (status, body, response) = await SendAsync(alice, HttpMethod.Get, "/api/v1/scheduled_statuses?limit=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([Id(second)], body!.AsArray().Select(Id));
        var next = Link(response, "next");
        response.Dispose();
        Assert.Equal([id], (await GetListAsync(alice, next!)).Select(Id));

        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, "Validation failed: Scheduled at date must be in the future"),
            await ErrorAsync(alice, HttpMethod.Post, "/api/v1/statuses", new JsonObject { ["status"] = "soon", ["scheduled_at"] = DateTimeOffset.UtcNow.AddMinutes(2).ToString("O") }));

        var moved = (await ExpectAsync(alice, HttpMethod.Put, $"/api/v1/scheduled_statuses/{id}", HttpStatusCode.OK, new JsonObject { ["scheduled_at"] = at.AddMinutes(10).ToString("O") })).AsObject();
        Assert.NotEqual(scheduled["scheduled_at"]!.GetValue<string>(), moved["scheduled_at"]!.GetValue<string>());
        Assert.Equal("{}", (await ExpectAsync(alice, HttpMethod.Delete, $"/api/v1/scheduled_statuses/{Id(second)}", HttpStatusCode.OK)).ToJsonString());
        await ExpectAsync(alice, HttpMethod.Get, $"/api/v1/scheduled_statuses/{Id(second)}", HttpStatusCode.NotFound);

        // At the old time nothing happens; at the new one it is posted, once, even if the timer runs twice.
        await Publisher.PublishDueAsync(at.AddMinutes(1), CancellationToken.None);
        await GetAsync(alice, $"/api/v1/scheduled_statuses/{id}");
        await Publisher.PublishDueAsync(at.AddHours(2), CancellationToken.None);
        await Publisher.PublishDueAsync(at.AddHours(2), CancellationToken.None);
        await ExpectAsync(alice, HttpMethod.Get, $"/api/v1/scheduled_statuses/{id}", HttpStatusCode.NotFound);
        Assert.Empty(await GetListAsync(alice, "/api/v1/scheduled_statuses"));

        var home = await StandaloneServer.EventuallyAsync(async () =>
        {
            var page = await GetListAsync(alice, "/api/v1/timelines/home");
            return page.Count > 0 ? page : null;
        });
        var published = Assert.Single(home)!;
        Assert.Equal("<p>from the past</p>", published["content"]!.GetValue<string>());
        Assert.Equal("unlisted", published["visibility"]!.GetValue<string>());
        Assert.Equal(aliceId, Id(published["account"]));
        Assert.Equal(["a", "b"], published["poll"]!["options"]!.AsArray().Select(o => o!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_scheduled_time_already_past_posts_at_once()
    {
        var (alice, _, _) = await fixture.UserAsync("alice");
        var posted = await PostAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "now", ["scheduled_at"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") });
        Assert.Equal("<p>now</p>", posted["content"]!.GetValue<string>());
    }

    /// <summary>Moves a poll's end into the past, as time passing would.</summary>
    private async Task EndPollAsync(string pollId)
    {
        var store = Server.Services.GetRequiredService<IDocumentStore>();
        await store.PatchAsync(Containers.Polls, pollId, pollId, [PatchOperation.Set("/expiresAt", System.Text.Json.Nodes.JsonValue.Create(DateTimeOffset.UtcNow.AddSeconds(-1)))], ifMatch: null, CancellationToken.None);
        _ = StoreJsonContext.Default;
    }
}
