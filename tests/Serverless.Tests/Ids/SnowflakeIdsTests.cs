using Serverless.Core.Ids;

namespace Serverless.Tests.Ids;

public sealed class SnowflakeIdsTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Ids_increase_within_one_millisecond_and_across_time()
    {
        var time = new FixedTime(DateTimeOffset.Parse("2026-11-26T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var ids = new SnowflakeIds(time);
        var a = ids.Next();
        var b = ids.Next();
        time.Now = time.Now.AddMilliseconds(1);
        var c = ids.Next();
        Assert.True(a < b);
        Assert.True(b < c);
        Assert.Equal(time.Now.AddMilliseconds(-1), SnowflakeIds.TimestampOf(a));
    }

    [Fact]
    public void Clock_going_backwards_never_repeats_an_id()
    {
        var time = new FixedTime(DateTimeOffset.UnixEpoch.AddYears(56));
        var ids = new SnowflakeIds(time);
        var first = ids.Next();
        time.Now = time.Now.AddSeconds(-5);
        Assert.True(ids.Next() > first);
    }

    [Fact]
    public void Remote_ids_are_stable_and_follow_the_published_time()
    {
        var published = DateTimeOffset.Parse("2025-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);
        var a = SnowflakeIds.FromTimestamp(published, "https://example.com/notes/1");
        Assert.Equal(a, SnowflakeIds.FromTimestamp(published, "https://example.com/notes/1"));
        Assert.Equal(published, SnowflakeIds.TimestampOf(a));
    }

    [Fact]
    public void Sortable_form_orders_as_numbers_do()
    {
        var small = SnowflakeIds.Sortable(99);
        var large = SnowflakeIds.Sortable(100);
        Assert.True(string.CompareOrdinal(small, large) < 0);
        Assert.Equal("100", SnowflakeIds.Unpad(large));
    }
}
