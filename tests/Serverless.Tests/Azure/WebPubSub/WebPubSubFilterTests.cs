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
    public void The_fake_evaluates_the_subset_we_emit_as_the_service_documents_it()
    {
        string[] groups = ["public", "hashtag:it's"];
        Assert.False(FakeODataFilter.Evaluate("not(userId in ('1','2'))", "2", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("not(userId in ('1','2'))", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("'PUBLIC' in groups", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("'hashtag:it''s' in groups and userId eq '3'", "3", "c", groups));
        Assert.False(FakeODataFilter.Evaluate("'public:local' in groups or userId ne '3'", "3", "c", groups));
        Assert.True(FakeODataFilter.Evaluate("not ('x' in groups) and (connectionId eq 'c' or userId eq 'z')", "3", "c", groups));
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
}
