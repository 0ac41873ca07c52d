using Serverless.Azure.WebPubSub;
using Serverless.Core.Streaming;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>The filters the publisher writes, and the fake's evaluation of them (which the delivery tests rely on).</summary>
public sealed class WebPubSubFilterTests : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new();
    private FakeWebPubSubService _service = null!;

    public async Task InitializeAsync() => _service = await FakeWebPubSubService.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public void Exclusions_and_group_filters_are_quoted_OData()
    {
        Assert.Equal("not(userId in ('1','2'))", WebPubSubFilter.ExceptUsers(["1", "2", "1"]));
        Assert.Equal("'hashtag:it''s' in groups", WebPubSubFilter.InGroup("hashtag:it's"));
        Assert.Throws<ArgumentException>(() => WebPubSubFilter.ExceptUsers([]));
        Assert.Throws<ArgumentException>(() => WebPubSubFilter.ExceptUsers(Enumerable.Range(0, WebPubSubFilter.MaxExcludedUsers + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void A_long_exclusion_list_is_split_by_last_digit_and_together_the_filters_reach_everyone_else_once()
    {
        // 334 excluded ids spread over the ten last digits; 1,000 viewers in all.
        var viewers = Enumerable.Range(100_000, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var excluded = viewers.Where((_, i) => i % 3 == 0).ToHashSet();
        var filters = WebPubSubFilter.ExceptUsersSplit(excluded)!;
        Assert.Equal(11, filters.Count);
        foreach (var viewer in viewers)
        {
            var deliveries = filters.Count(f => FakeODataFilter.Evaluate(f, viewer, "c", ["public"]));
            Assert.Equal(excluded.Contains(viewer) ? 0 : 1, deliveries);
        }

        // An id ending in a letter (never excluded here) falls into the last filter.
        Assert.Equal(1, filters.Count(f => FakeODataFilter.Evaluate(f, "abc", "c", ["public"])));
        Assert.Equal([WebPubSubFilter.ExceptUsers(["1"])], WebPubSubFilter.ExceptUsersSplit(["1"]));
        // 51 ids ending in 7 cannot be expressed: nothing is sent.
        Assert.Null(WebPubSubFilter.ExceptUsersSplit(Enumerable.Range(0, 51).Select(i => $"{i}7").ToList()));
    }

    [Fact]
    public void The_fake_evaluates_the_subset_we_emit_as_the_service_documents_it()
    {
        string[] groups = ["public", "hashtag:it's"];
        Assert.False(FakeODataFilter.Evaluate("not(userId in ('1','2'))", "2", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("not(userId in ('1','2'))", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("'PUBLIC' in groups", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("'hashtag:it''s' in groups and userId eq '3'", "3", "c", groups));
        Assert.False(FakeODataFilter.Evaluate("'public:local' in groups or userId ne '3'", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("not ('x' in groups) and (connectionId eq 'c' or userId eq 'z')", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("endswith(userId,'23') and not(endswith(userId,'4'))", "123", "c", groups));
        Assert.Throws<FormatException>(() => FakeODataFilter.Evaluate("length(userId) gt 3", "3", "c", groups));
        Assert.Throws<FormatException>(() => FakeODataFilter.Evaluate("userId eq 'x", "3", "c", groups));
    }

    [Fact]
    public async Task The_publisher_sends_exclusions_to_the_group_and_a_viewers_copy_to_the_user_in_the_group()
    {
        var client = new HttpWebPubSubClient(_http, new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = "local-test-access-key-0123456789" }, null, TimeProvider.System);
        var publisher = new WebPubSubStreamPublisher(client);
        var inGroup = _service.Connect("a", "1", "public");
        var excluded = _service.Connect("b", "2", "public");
        var elsewhere = _service.Connect("c", "2", "hashtag:cats");

        await publisher.PublishAsync(new StreamEvent("public", ["public"], "update", "{}") { ExceptViewers = ["2"] }, CancellationToken.None);
        await publisher.PublishAsync(new StreamEvent("public", ["public"], "update", """{"filtered":[]}""") { OnlyViewer = "2" }, CancellationToken.None);

        Assert.Equal(["""{"stream":["public"],"event":"update","payload":"{}"}"""], _service.ReceivedBy(inGroup));
        Assert.Equal(["""{"stream":["public"],"event":"update","payload":"{\u0022filtered\u0022:[]}"}"""], _service.ReceivedBy(excluded));
        Assert.Empty(_service.ReceivedBy(elsewhere));
        Assert.Equal(
            ["/api/hubs/streaming/groups/public/:send?api-version=2024-01-01&filter=not%28userId%20in%20%28%272%27%29%29", "/api/hubs/streaming/users/2/:send?api-version=2024-01-01&filter=%27public%27%20in%20groups"],
            _service.Requests.Select(r => r.RawTarget));
    }

    [Fact]
    public async Task More_exclusions_than_one_filter_holds_become_a_few_sends_that_still_leave_them_out()
    {
        var client = new HttpWebPubSubClient(_http, new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = "local-test-access-key-0123456789" }, null, TimeProvider.System);
        var publisher = new WebPubSubStreamPublisher(client);
        var excluded = Enumerable.Range(1000, 120).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var left = _service.Connect("left", excluded[77], "public");
        var kept = _service.Connect("kept", "2000", "public");
        var keptToo = _service.Connect("kept-too", "1999", "public");

        await publisher.PublishAsync(new StreamEvent("public", ["public"], "update", "{}") { ExceptViewers = excluded }, CancellationToken.None);

        Assert.Empty(_service.ReceivedBy(left));
        Assert.Single(_service.ReceivedBy(kept));
        Assert.Single(_service.ReceivedBy(keptToo));
        Assert.Equal(11, _service.Requests.Count);

        // Not expressible: nothing is sent (the streaming publisher logs it).
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(
            new StreamEvent("public", ["public"], "update", "{}") { ExceptViewers = Enumerable.Range(0, 60).Select(i => $"{i}7").ToList() }, CancellationToken.None));
        Assert.Single(_service.ReceivedBy(kept));
    }
}
