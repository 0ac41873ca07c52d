using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Json;
using Serverless.Core.Queues;
using Serverless.Embedded.Queues;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Federation;

/// <summary>
/// Deliveries to a follower whose inbox is dead (answers 500, 410, or its port is closed), with
/// quick retries (first after 1 s) and three attempts: retried on schedule, given up cleanly (the
/// queue empty, the domain marked unavailable and skipped), final at once on 410, and the domain
/// available again once it sends us something.
/// </summary>
public sealed class FailureDeliveryTests : IAsyncLifetime
{
    private const double FirstRetrySeconds = 1;

    private FailurePeer _peer = null!;
    private StandaloneServer _server = null!;
    private HttpClient _alice = null!;
    private PeerActor _follower = null!;

    public async Task InitializeAsync()
    {
        _peer = await FailurePeer.StartAsync();
        _follower = _peer.AddActor("follower");
        _server = await StandaloneServer.StartAsync(new Dictionary<string, string?>
        {
            ["ALLOW_PRIVATE_ADDRESSES"] = "true",
            ["DELIVERY_FIRST_RETRY_SECONDS"] = FirstRetrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DELIVERY_MAX_ATTEMPTS"] = "3",
        });
        (_alice, _) = await _server.SignUpAsync("alice");

        // The peer's actor follows Alice; her server accepts (she is not locked) by POSTing an Accept to its inbox.
        var follow = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{_follower.Uri}#follows/{Guid.NewGuid():N}",
            ["type"] = "Follow",
            ["actor"] = _follower.Uri,
            ["object"] = $"http://127.0.0.1:{_server.Port}/users/alice",
        };
        using var response = await _server.Client.SendAsync(FailurePeer.SignedPost($"http://127.0.0.1:{_server.Port}/users/alice/inbox", follow.ToJsonString(), _follower));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await StandaloneServer.EventuallyAsync(() => Task.FromResult(_peer.Posts("Accept").Count == 1 ? "accepted" : null));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _server.DisposeAsync();
        await _peer.DisposeAsync();
    }

    private DomainHealth Health => _server.Services.GetRequiredService<DomainHealth>();

    [Fact]
    public async Task An_inbox_answering_500_is_retried_on_schedule_then_given_up_skipped_and_recovered()
    {
        _peer.InboxStatus = 500;
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "Into the void" });

        // Three attempts: the first at once, then after about 1 s and about 2 s (±25% jitter, plus the pump's polling).
        await StandaloneServer.EventuallyAsync(() => Task.FromResult(_peer.Posts("Create", "Into the void").Count >= 3 ? "three" : null), TimeSpan.FromSeconds(20));
        await StandaloneServer.EventuallyAsync(async () => (await Health.GetAsync(_peer.Domain, CancellationToken.None))?.UnavailableSince is not null ? "unavailable" : null);
        Assert.Empty(await PendingAsync(QueueNames.Deliver));
        await Task.Delay(TimeSpan.FromSeconds(FirstRetrySeconds * 1.5));
        var hits = _peer.Posts("Create", "Into the void");
        Assert.Equal(3, hits.Count);
        var firstGap = (hits[1].At - hits[0].At).TotalSeconds;
        var secondGap = (hits[2].At - hits[1].At).TotalSeconds;
        Assert.InRange(firstGap, FirstRetrySeconds * 0.7, FirstRetrySeconds * 4);
        Assert.InRange(secondGap, FirstRetrySeconds * 2 * 0.7, FirstRetrySeconds * 6);
        var record = await Health.GetAsync(_peer.Domain, CancellationToken.None);
        Assert.True(record!.Failures >= 3, $"{record.Failures} failures recorded");

        // While the domain is unavailable, deliveries to it are dropped without a request.
        _peer.InboxStatus = 202;
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "While it is down" });
        await DrainedAsync();
        Assert.Empty(_peer.Posts("Create", "While it is down"));

        // An activity from the domain shows it is back: deliveries resume.
        var (create, _, _) = FailureInboxTests.Create(_follower, "<p>I am back</p>");
        using (var response = await _server.Client.SendAsync(FailurePeer.SignedPost($"http://127.0.0.1:{_server.Port}/inbox", create.ToJsonString(), _follower)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await StandaloneServer.EventuallyAsync(async () => await Health.GetAsync(_peer.Domain, CancellationToken.None) is null ? "available" : null);
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "Welcome back" });
        await StandaloneServer.EventuallyAsync(() => Task.FromResult(_peer.Posts("Create", "Welcome back").Count == 1 ? "delivered" : null));
        Assert.Empty(_peer.Posts("Create", "While it is down"));
    }

    [Fact]
    public async Task An_inbox_answering_410_is_final_after_one_attempt()
    {
        _peer.InboxStatus = 410;
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "To a gone inbox" });
        await StandaloneServer.EventuallyAsync(() => Task.FromResult(_peer.Posts("Create", "To a gone inbox").Count == 1 ? "one" : null));
        await DrainedAsync();

        // Longer than the first retry could take: nothing more comes, and the domain is not written off for one inbox.
        await Task.Delay(TimeSpan.FromSeconds(FirstRetrySeconds * 2));
        Assert.Single(_peer.Posts("Create", "To a gone inbox"));
        Assert.Empty(await PendingAsync(QueueNames.Deliver));
        Assert.Null((await Health.GetAsync(_peer.Domain, CancellationToken.None))?.UnavailableSince);
    }

    [Fact]
    public async Task A_closed_port_is_retried_then_given_up_and_the_domain_marked_unavailable()
    {
        await _peer.StopAsync();
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "Nobody listens" });

        // Watch the deliver queue: the retries wait there, scheduled, with their attempt numbers.
        var attempts = new HashSet<int>();
        await StandaloneServer.EventuallyAsync(
            async () =>
            {
                foreach (var message in await PendingAsync(QueueNames.Deliver))
                {
                    attempts.Add(JsonSerializer.Deserialize(message.Body, FederationJsonContext.Default.DeliverMessage)!.Attempt);
                }

                return (await Health.GetAsync(_peer.Domain, CancellationToken.None))?.UnavailableSince is not null ? "unavailable" : null;
            },
            TimeSpan.FromSeconds(20));
        Assert.Contains(1, attempts);
        Assert.Contains(2, attempts);
        Assert.DoesNotContain(3, attempts);
        Assert.Empty(await PendingAsync(QueueNames.Deliver));

        // Later deliveries to it are skipped: nothing waits on the queue for it.
        await StandaloneServer.PostJsonAsync(_alice, "/api/v1/statuses", new JsonObject { ["status"] = "Still nobody" });
        await DrainedAsync();
        Assert.Empty(await PendingAsync(QueueNames.Deliver));
    }

    private Task<IReadOnlyList<PendingQueueMessage>> PendingAsync(string queue) =>
        _server.Services.GetRequiredService<SqliteWorkQueue>().ListPendingAsync(queue, 100, CancellationToken.None);

    /// <summary>Waits until fan-out and delivery have nothing left, scheduled retries included.</summary>
    private async Task DrainedAsync()
    {
        await StandaloneServer.EventuallyAsync(async () =>
            (await PendingAsync(QueueNames.Fanout)).Count == 0 && (await PendingAsync(QueueNames.Deliver)).Count == 0 ? "drained" : null);
        await Task.Delay(200);
    }
}

/// <summary>The retry schedule and which answers are final.</summary>
public sealed class FailureDeliveryOptionsTests
{
    private static readonly DeliveryOptions Options = new() { FirstRetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromHours(1) };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 32)]
    public void Retries_double_from_the_first_delay(int attempt, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Options.RetryDelay(attempt, 0.5));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Delays_are_capped(int attempt)
    {
        Assert.Equal(TimeSpan.FromHours(1), Options.RetryDelay(attempt, 0.5));
        Assert.True(Options.RetryDelay(attempt, 1) <= TimeSpan.FromHours(1.25));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(30)]
    public void Jitter_stays_within_a_quarter_either_way(int attempt)
    {
        var middle = Options.RetryDelay(attempt, 0.5);
        Assert.Equal(middle * 0.75, Options.RetryDelay(attempt, 0));
        Assert.Equal(middle * 1.25, Options.RetryDelay(attempt, 1));
        Assert.Equal(middle * 0.75, Options.RetryDelay(attempt, -3));
        Assert.Equal(middle * 1.25, Options.RetryDelay(attempt, 7));
        for (var i = 0; i < 100; i++)
        {
            Assert.InRange(Options.RetryDelay(attempt, Random.Shared.NextDouble()), middle * 0.75, middle * 1.25);
        }
    }

    [Fact]
    public void The_first_attempt_number_is_never_below_the_first_delay()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Options.RetryDelay(0, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(1), Options.RetryDelay(-2, 0.5));
    }

    [Fact]
    public void The_default_schedule_spans_days_not_minutes()
    {
        var defaults = new DeliveryOptions();
        var total = Enumerable.Range(1, defaults.MaxAttempts - 1).Aggregate(TimeSpan.Zero, (sum, attempt) => sum + defaults.RetryDelay(attempt, 0.5));
        Assert.InRange(total, TimeSpan.FromDays(4), TimeSpan.FromDays(8));
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    [InlineData(422, true)]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    [InlineData(503, false)]
    [InlineData(0, false)]
    [InlineData(302, false)]
    public void Only_4xx_other_than_408_and_429_are_final(int status, bool final)
    {
        Assert.Equal(final, DeliveryOptions.IsFinal(status));
    }

    [Fact]
    public void Settings_are_read_and_nonsense_ignored()
    {
        var read = DeliveryOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DELIVERY_FIRST_RETRY_SECONDS"] = "0.5", ["DELIVERY_MAX_ATTEMPTS"] = "3" })
            .Build());
        Assert.Equal(TimeSpan.FromSeconds(0.5), read.FirstRetryDelay);
        Assert.Equal(3, read.MaxAttempts);

        var nonsense = DeliveryOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DELIVERY_FIRST_RETRY_SECONDS"] = "-1", ["DELIVERY_MAX_ATTEMPTS"] = "zero" })
            .Build());
        Assert.Equal(new DeliveryOptions(), nonsense);
    }
}
