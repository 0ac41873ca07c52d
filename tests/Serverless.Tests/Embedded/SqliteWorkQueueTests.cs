using System.Collections.Concurrent;
using Serverless.Core.Queues;
using Serverless.Embedded.Queues;

namespace Serverless.Tests.Embedded;

public sealed class SqliteWorkQueueTests : IDisposable
{
    private static readonly TimeSpan Lock = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<SqliteWorkQueue> _queues = [];

    private static CancellationToken Ct => CancellationToken.None;

    private SqliteWorkQueue Open(int maxDeliveryCount = 10, TimeProvider? time = null)
    {
        var queue = new SqliteWorkQueue(_directory.File("queues.db"), new SqliteWorkQueueOptions { MaxDeliveryCount = maxDeliveryCount }, time ?? _time);
        _queues.Add(queue);
        return queue;
    }

    public void Dispose()
    {
        foreach (var queue in _queues)
        {
            queue.Dispose();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task A_sent_message_is_received_once_and_gone_after_complete()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Deliver, """{"inbox":"https://a.example/inbox"}""", TimeSpan.Zero, Ct);

        var lease = await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct);
        Assert.NotNull(lease);
        Assert.Equal(QueueNames.Deliver, lease.Message.Queue);
        Assert.Equal("""{"inbox":"https://a.example/inbox"}""", lease.Message.Body);
        Assert.Equal(1, lease.Message.DeliveryCount);
        Assert.Equal(_time.GetUtcNow(), lease.EnqueuedAt);

        Assert.Null(await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct));
        Assert.Null(await queue.ReceiveAsync(QueueNames.Ingest, Lock, Ct));
        Assert.True(await queue.CompleteAsync(lease, Ct));
        Assert.False(await queue.CompleteAsync(lease, Ct));
        Assert.Equal(new QueueCounts(0, 0, 0), await queue.GetCountsAsync(null, Ct));
    }

    [Fact]
    public async Task Messages_come_out_in_the_order_they_became_visible()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Pull, "later", TimeSpan.FromSeconds(5), Ct);
        await queue.SendAsync(QueueNames.Pull, "first", TimeSpan.Zero, Ct);
        await queue.SendAsync(QueueNames.Pull, "second", TimeSpan.Zero, Ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        var bodies = new List<string>();
        while (await queue.ReceiveAsync(QueueNames.Pull, Lock, Ct) is { } lease)
        {
            bodies.Add(lease.Message.Body);
        }

        Assert.Equal(["first", "second", "later"], bodies);
    }

    [Fact]
    public async Task A_delayed_message_is_invisible_until_it_is_due()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Deliver, "retry", TimeSpan.FromMinutes(10), Ct);

        Assert.Null(await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct));
        Assert.Equal(new QueueCounts(0, 1, 0), await queue.GetCountsAsync(QueueNames.Deliver, Ct));

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Null(await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct));

        _time.Advance(TimeSpan.FromMinutes(1));
        var lease = await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct);
        Assert.Equal("retry", lease?.Message.Body);
    }

    [Fact]
    public async Task An_abandoned_message_comes_back_with_a_higher_delivery_count()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Fanout, "m", TimeSpan.Zero, Ct);

        var first = await queue.ReceiveAsync(QueueNames.Fanout, Lock, Ct);
        Assert.True(await queue.AbandonAsync(first!, TimeSpan.Zero, Ct));
        var second = await queue.ReceiveAsync(QueueNames.Fanout, Lock, Ct);
        Assert.Equal(first!.Message.Id, second!.Message.Id);
        Assert.Equal(2, second.Message.DeliveryCount);

        // With a delay it stays hidden for that long.
        Assert.True(await queue.AbandonAsync(second, TimeSpan.FromSeconds(30), Ct));
        Assert.Null(await queue.ReceiveAsync(QueueNames.Fanout, Lock, Ct));
        _time.Advance(TimeSpan.FromSeconds(30));
        var third = await queue.ReceiveAsync(QueueNames.Fanout, Lock, Ct);
        Assert.Equal(3, third!.Message.DeliveryCount);

        // The first lease is stale: it can no longer settle the message.
        Assert.False(await queue.CompleteAsync(first, Ct));
        Assert.True(await queue.CompleteAsync(third, Ct));
    }

    [Fact]
    public async Task A_message_whose_lease_expires_is_delivered_again()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Media, "m", TimeSpan.Zero, Ct);
        var crashed = await queue.ReceiveAsync(QueueNames.Media, TimeSpan.FromSeconds(30), Ct);
        Assert.NotNull(crashed);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await queue.ReceiveAsync(QueueNames.Media, Lock, Ct));

        _time.Advance(TimeSpan.FromSeconds(1));
        var again = await queue.ReceiveAsync(QueueNames.Media, Lock, Ct);
        Assert.Equal(crashed.Message.Id, again!.Message.Id);
        Assert.Equal(2, again.Message.DeliveryCount);
        Assert.NotEqual(crashed.LeaseToken, again.LeaseToken);
        Assert.False(await queue.CompleteAsync(crashed, Ct));
        Assert.True(await queue.CompleteAsync(again, Ct));
    }

    [Fact]
    public async Task Renewing_a_lease_keeps_the_message_hidden()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Media, "m", TimeSpan.Zero, Ct);
        var lease = await queue.ReceiveAsync(QueueNames.Media, TimeSpan.FromSeconds(30), Ct);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await queue.RenewAsync(lease!, TimeSpan.FromSeconds(30), Ct));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await queue.ReceiveAsync(QueueNames.Media, Lock, Ct));
        Assert.True(await queue.CompleteAsync(lease!, Ct));
    }

    [Fact]
    public async Task After_the_last_allowed_delivery_a_message_is_dead_lettered_instead()
    {
        var queue = Open(maxDeliveryCount: 3);
        await queue.SendAsync(QueueNames.Ingest, "poison", TimeSpan.Zero, Ct);
        for (var delivery = 1; delivery <= 3; delivery++)
        {
            var lease = await queue.ReceiveAsync(QueueNames.Ingest, TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(delivery, lease!.Message.DeliveryCount);
            _time.Advance(TimeSpan.FromSeconds(11)); // the consumer "crashes"
        }

        Assert.Null(await queue.ReceiveAsync(QueueNames.Ingest, Lock, Ct));
        var dead = Assert.Single(await queue.ListDeadLettersAsync(QueueNames.Ingest, 10, Ct));
        Assert.Equal("poison", dead.Body);
        Assert.Equal(3, dead.DeliveryCount);
        Assert.Equal(SqliteWorkQueue.MaxDeliveryCountExceeded, dead.Reason);
        Assert.Equal(new QueueCounts(0, 0, 1), await queue.GetCountsAsync(QueueNames.Ingest, Ct));
        Assert.Empty(await queue.ListDeadLettersAsync(QueueNames.Deliver, 10, Ct));

        // An admin can put it back with a fresh count.
        Assert.True(await queue.RequeueDeadLetterAsync(dead.Id, Ct));
        var back = await queue.ReceiveAsync(QueueNames.Ingest, Lock, Ct);
        Assert.Equal(("poison", 1), (back!.Message.Body, back.Message.DeliveryCount));
        Assert.Empty(await queue.ListDeadLettersAsync(null, 10, Ct));
    }

    [Fact]
    public async Task A_consumer_can_dead_letter_a_message_with_a_reason()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Deliver, "gone", TimeSpan.Zero, Ct);
        var lease = await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct);
        Assert.True(await queue.DeadLetterAsync(lease!, "410 Gone", Ct));
        Assert.False(await queue.CompleteAsync(lease!, Ct));
        var dead = Assert.Single(await queue.ListDeadLettersAsync(null, 10, Ct));
        Assert.Equal(("gone", "410 Gone", QueueNames.Deliver), (dead.Body, dead.Reason, dead.Queue));
    }

    [Fact]
    public async Task Four_concurrent_consumers_never_get_the_same_message()
    {
        var queue = Open(time: TimeProvider.System);
        const int Count = 200;
        for (var i = 0; i < Count; i++)
        {
            await queue.SendAsync(QueueNames.Deliver, i.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero, Ct);
        }

        var handled = new ConcurrentDictionary<string, int>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await queue.ReceiveAsync(QueueNames.Deliver, TimeSpan.FromMinutes(5), Ct) is { } lease)
            {
                handled.AddOrUpdate(lease.Message.Body, 1, (_, n) => n + 1);
                Assert.True(await queue.CompleteAsync(lease, Ct));
            }
        })));

        Assert.Equal(Count, handled.Count);
        Assert.All(handled.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, (await queue.GetCountsAsync(null, Ct)).Pending);
    }

    [Fact]
    public async Task Messages_survive_closing_and_reopening_the_queue_file()
    {
        var before = Open();
        await before.SendAsync(QueueNames.Deliver, "ready", TimeSpan.Zero, Ct);
        await before.SendAsync(QueueNames.Deliver, "scheduled", TimeSpan.FromMinutes(1), Ct);
        await before.SendAsync(QueueNames.Pull, "in-flight", TimeSpan.Zero, Ct);
        var inFlight = await before.ReceiveAsync(QueueNames.Pull, TimeSpan.FromSeconds(30), Ct);
        Assert.NotNull(inFlight);
        before.Dispose();

        var after = Open();
        Assert.Equal(3, (await after.GetCountsAsync(null, Ct)).Pending);
        var ready = await after.ReceiveAsync(QueueNames.Deliver, Lock, Ct);
        Assert.Equal("ready", ready?.Message.Body);
        Assert.True(await after.CompleteAsync(ready!, Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("scheduled", (await after.ReceiveAsync(QueueNames.Deliver, Lock, Ct))?.Message.Body);
        var redelivered = await after.ReceiveAsync(QueueNames.Pull, Lock, Ct);
        Assert.Equal(("in-flight", 2), (redelivered?.Message.Body, redelivered?.Message.DeliveryCount));
    }

    [Fact]
    public async Task A_send_wakes_a_waiting_consumer_at_once()
    {
        var queue = Open();
        var available = queue.WhenMessageAvailable(QueueNames.Fanout);
        Assert.Null(await queue.ReceiveAsync(QueueNames.Fanout, Lock, Ct));
        Assert.False(available.IsCompleted);

        await queue.SendAsync(QueueNames.Ingest, "other queue", TimeSpan.Zero, Ct);
        await queue.SendAsync(QueueNames.Fanout, "later", TimeSpan.FromMinutes(1), Ct);
        Assert.False(available.IsCompleted);

        await queue.SendAsync(QueueNames.Fanout, "now", TimeSpan.Zero, Ct);
        await available.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(queue.WhenMessageAvailable(QueueNames.Fanout).IsCompleted);
    }

    [Fact]
    public async Task Pending_messages_can_be_listed()
    {
        var queue = Open();
        await queue.SendAsync(QueueNames.Deliver, "a", TimeSpan.Zero, Ct);
        await queue.SendAsync(QueueNames.Deliver, "b", TimeSpan.FromMinutes(1), Ct);
        await queue.ReceiveAsync(QueueNames.Deliver, Lock, Ct);

        var pending = await queue.ListPendingAsync(QueueNames.Deliver, 10, Ct);
        Assert.Equal(["a", "b"], pending.Select(p => p.Body));
        Assert.Equal([true, false], pending.Select(p => p.Locked));
        Assert.Equal([1, 0], pending.Select(p => p.DeliveryCount));
    }

    [Fact]
    public async Task Oversized_messages_are_refused()
    {
        var queue = Open();
        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(QueueNames.Deliver, new string('x', 300 * 1024), TimeSpan.Zero, Ct));
    }
}
