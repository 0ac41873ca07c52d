using Serverless.Core.Streaming;
using Serverless.Embedded.Streaming;

namespace Serverless.Tests.Embedded;

public sealed class InProcessStreamHubTests
{
    private static CancellationToken Ct => CancellationToken.None;

    private static StreamEvent Update(string group, string payload) => new(group, ["user"], "update", payload);

    [Fact]
    public async Task Subscribers_of_a_group_get_its_events_and_no_others()
    {
        var hub = new InProcessStreamHub();
        using var alice = hub.Subscribe("user:1");
        using var bob = hub.Subscribe("user:2");

        await hub.PublishAsync(Update("user:1", "{\"id\":\"10\"}"), Ct);
        await hub.PublishAsync(Update("user:3", "{\"id\":\"11\"}"), Ct);

        Assert.True(alice.Reader.TryRead(out var received));
        Assert.Equal(Update("user:1", "{\"id\":\"10\"}").Payload, received.Payload);
        Assert.Equal("update", received.Event);
        Assert.False(alice.Reader.TryRead(out _));
        Assert.False(bob.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Every_subscriber_of_a_group_gets_the_event()
    {
        var hub = new InProcessStreamHub();
        using var first = hub.Subscribe("public");
        using var second = hub.Subscribe("public");
        await hub.PublishAsync(Update("public", "p"), Ct);

        Assert.Equal("p", (await first.Reader.ReadAsync(Ct)).Payload);
        Assert.Equal("p", (await second.Reader.ReadAsync(Ct)).Payload);
        Assert.Equal(2, hub.SubscriberCount("public"));
    }

    [Fact]
    public async Task After_dispose_nothing_arrives_and_the_reader_completes()
    {
        var hub = new InProcessStreamHub();
        var subscription = hub.Subscribe("hashtag:cats");
        subscription.Dispose();

        await hub.PublishAsync(Update("hashtag:cats", "x"), Ct);
        Assert.False(subscription.Reader.TryRead(out _));
        await subscription.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, hub.SubscriberCount("hashtag:cats"));
        subscription.Dispose();
    }

    [Fact]
    public async Task A_slow_reader_loses_the_oldest_events_not_memory()
    {
        var hub = new InProcessStreamHub(capacity: 2);
        using var slow = hub.Subscribe("public:local");
        for (var i = 1; i <= 5; i++)
        {
            await hub.PublishAsync(Update("public:local", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ct);
        }

        Assert.Equal("4", (await slow.Reader.ReadAsync(Ct)).Payload);
        Assert.Equal("5", (await slow.Reader.ReadAsync(Ct)).Payload);
        Assert.False(slow.Reader.TryRead(out _));
        Assert.Equal(3, slow.Dropped);
    }

    [Fact]
    public async Task One_subscription_can_follow_several_groups_and_leave_one()
    {
        var hub = new InProcessStreamHub();
        using var connection = hub.Subscribe(["user:1", "public"]);
        await hub.PublishAsync(Update("public", "a"), Ct);
        await hub.PublishAsync(Update("user:1", "b"), Ct);
        connection.Remove("public");
        await hub.PublishAsync(Update("public", "c"), Ct);
        connection.Add("list:7");
        await hub.PublishAsync(Update("list:7", "d"), Ct);

        var payloads = new List<string>();
        while (connection.Reader.TryRead(out var streamEvent))
        {
            payloads.Add(streamEvent.Payload);
        }

        Assert.Equal(["a", "b", "d"], payloads);
        Assert.Equal(["list:7", "user:1"], connection.Groups.Order(StringComparer.Ordinal));
    }
}
