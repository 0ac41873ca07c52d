using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Azure.WebPubSub;
using Serverless.Core.Json;
using Serverless.Core.Safety;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Streaming;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>
/// Shared groups through Web PubSub, which sends one frame per group: the app names the viewers
/// who must not get an event in the send's OData filter, and the fake service (evaluating that
/// filter for each of its connections) delivers to everybody else; a viewer whose warn filter
/// matches gets their own copy with <c>filtered</c>; a list group is filtered for its owner.
/// </summary>
public sealed class HostedSharedGroupTests : IAsyncLifetime, IDisposable
{
    private const string AccessKey = "local-test-access-key-0123456789";

    private readonly HttpClient _http = new();
    private FakeWebPubSubService _service = null!;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        _service = await FakeWebPubSubService.StartAsync();
        _server = await StandaloneServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _service.DisposeAsync();
    }

    public void Dispose() => _http.Dispose();

    private StreamingEventPublisher HostedPublisher()
    {
        var client = new HttpWebPubSubClient(_http, new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = AccessKey }, null, TimeProvider.System);
        return new StreamingEventPublisher(new HostedServices(_server.Services, new WebPubSubStreamPublisher(client)), TimeProvider.System, NullLogger<StreamingEventPublisher>.Instance);
    }

    private async Task<StatusRecord> PostAsync(HttpClient client, string text)
    {
        var posted = await StandaloneServer.PostJsonAsync(client, "/api/v1/statuses", new JsonObject { ["status"] = text });
        return (await _server.Services.GetRequiredService<StatusService>().GetAsync(posted["id"]!.GetValue<string>(), CancellationToken.None))!;
    }

    private static Task<JsonObject> FilterAsync(HttpClient client, string context, string action, string keyword) =>
        StandaloneServer.PostJsonAsync(client, "/api/v2/filters", new JsonObject
        {
            ["title"] = keyword,
            ["context"] = new JsonArray(context),
            ["filter_action"] = action,
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = keyword }),
        });

    /// <summary>The status payloads a connection received (frames parsed, payload strings parsed).</summary>
    private List<JsonObject> Statuses(FakeWebPubSubService.FakeConnection connection) =>
        _service.ReceivedBy(connection).Select(frame => JsonNode.Parse(JsonNode.Parse(frame)!["payload"]!.GetValue<string>())!.AsObject()).ToList();

    private static string Id(JsonObject account) => account["id"]!.GetValue<string>();

    private static bool Filtered(JsonObject status) => status["filtered"] is JsonArray { Count: > 0 };

    [Fact]
    public async Task A_shared_group_leaves_out_who_blocks_mutes_or_hides_and_warns_with_their_own_copy()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var (carol, carolAccount) = await _server.SignUpAsync("carol");
        var (dave, daveAccount) = await _server.SignUpAsync("dave");
        var (erin, erinAccount) = await _server.SignUpAsync("erin");
        var (frank, frankAccount) = await _server.SignUpAsync("frank");
        var (_, graceAccount) = await _server.SignUpAsync("grace");
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{Id(aliceAccount)}/block", []);
        await StandaloneServer.PostJsonAsync(carol, $"/api/v1/accounts/{Id(aliceAccount)}/mute", []);
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{Id(graceAccount)}/block", []);
        await FilterAsync(dave, "public", "hide", "spoilers");
        await FilterAsync(erin, "public", "warn", "cats");
        // A home-only filter does not apply to public streams.
        await FilterAsync(frank, "home", "hide", "hello");

        var connections = new[] { aliceAccount, bobAccount, carolAccount, daveAccount, erinAccount, frankAccount, graceAccount }
            .ToDictionary(a => a["username"]!.GetValue<string>(), a => _service.Connect("c-" + Id(a), Id(a), StreamNames.PublicLocal));

        var publisher = HostedPublisher();
        var hello = await PostAsync(alice, "Hello world");
        var cats = await PostAsync(frank, "I love cats");
        var spoilers = await PostAsync(frank, "Big spoilers ahead");
        foreach (var status in new[] { hello, cats, spoilers })
        {
            await publisher.TimelineAsync(StreamEvents.Update, status, TimelineKeys.Local, CancellationToken.None);
        }

        string[] Ids(string user) => Statuses(connections[user]).Select(s => s["id"]!.GetValue<string>()).ToArray();
        Assert.Equal([hello.Id, cats.Id, spoilers.Id], Ids("alice"));
        Assert.Equal([cats.Id, spoilers.Id], Ids("bob"));     // blocks alice
        Assert.Equal([cats.Id, spoilers.Id], Ids("carol"));   // mutes alice
        Assert.Equal([cats.Id, spoilers.Id], Ids("grace"));   // blocked by alice
        Assert.Equal([hello.Id, cats.Id], Ids("dave"));       // hides "spoilers"
        Assert.Equal([hello.Id, cats.Id, spoilers.Id], Ids("frank"));

        // Erin gets each status once; the one her warn filter matches carries filtered, as in process.
        var toErin = Statuses(connections["erin"]);
        Assert.Equal([hello.Id, cats.Id, spoilers.Id], toErin.Select(s => s["id"]!.GetValue<string>()));
        var filtered = Assert.Single(toErin, Filtered);
        Assert.Equal(cats.Id, filtered["id"]!.GetValue<string>());
        Assert.Equal("warn", filtered["filtered"]![0]!["filter"]!["filter_action"]!.GetValue<string>());
        Assert.Equal(["cats"], filtered["filtered"]![0]!["keyword_matches"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.DoesNotContain(Statuses(connections["frank"]), Filtered);

        // What went over the wire: the exclusions as an OData filter, the copy as a user send filtered on the group.
        var sends = _service.Requests.Where(r => r.Method == "POST").Select(r => Uri.UnescapeDataString(r.RawTarget)).ToList();
        Assert.Contains(sends, s => s.Contains("/groups/public:local/:send", StringComparison.Ordinal)
            && s.Contains($"filter=not(userId in (", StringComparison.Ordinal) && s.Contains($"'{Id(bobAccount)}'", StringComparison.Ordinal));
        Assert.Contains(sends, s => s.Contains($"/users/{Id(erinAccount)}/:send", StringComparison.Ordinal) && s.EndsWith("filter='public:local' in groups", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_list_group_is_filtered_for_its_owner_and_unmuting_lets_the_author_back_in()
    {
        var (alice, aliceAccount) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{Id(aliceAccount)}/follow", []);
        var list = await StandaloneServer.PostJsonAsync(bob, "/api/v1/lists", new JsonObject { ["title"] = "Friends" });
        var listId = list["id"]!.GetValue<string>();
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/lists/{listId}/accounts", new JsonObject { ["account_ids"] = new JsonArray(Id(aliceAccount)) });
        await FilterAsync(bob, "home", "hide", "secret");
        await FilterAsync(bob, "home", "warn", "soup");
        var listConnection = _service.Connect("c-list", Id(bobAccount), StreamNames.ListGroup(listId));
        var publicConnection = _service.Connect("c-public", Id(bobAccount), StreamNames.PublicLocal);

        var publisher = HostedPublisher();
        var secret = await PostAsync(alice, "My secret plans");
        var soup = await PostAsync(alice, "Soup recipe");
        foreach (var status in new[] { secret, soup })
        {
            await publisher.TimelineAsync(StreamEvents.Update, status, TimelineKeys.List(listId), CancellationToken.None);
        }

        var onList = Statuses(listConnection);
        Assert.Equal([soup.Id], onList.Select(s => s["id"]!.GetValue<string>()));
        Assert.True(Filtered(onList[0]));

        // Muted, then unmuted: the reverse copy the shared groups read follows the mute.
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{Id(aliceAccount)}/mute", []);
        Assert.NotNull(await store.ReadAsync(Containers.Follows, MuteRecord.MutedByPartition(Id(aliceAccount)), Id(bobAccount), StoreJsonContext.Default.MuteRecord, CancellationToken.None));
        var whileMuted = await PostAsync(alice, "While muted");
        await publisher.TimelineAsync(StreamEvents.Update, whileMuted, TimelineKeys.Local, CancellationToken.None);
        await publisher.TimelineAsync(StreamEvents.Update, whileMuted, TimelineKeys.List(listId), CancellationToken.None);
        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{Id(aliceAccount)}/unmute", []);
        Assert.Null(await store.ReadAsync(Containers.Follows, MuteRecord.MutedByPartition(Id(aliceAccount)), Id(bobAccount), StoreJsonContext.Default.MuteRecord, CancellationToken.None));
        var afterwards = await PostAsync(alice, "After unmuting");
        await publisher.TimelineAsync(StreamEvents.Update, afterwards, TimelineKeys.Local, CancellationToken.None);

        Assert.Equal([afterwards.Id], Statuses(publicConnection).Select(s => s["id"]!.GetValue<string>()));
        Assert.Equal([soup.Id], Statuses(listConnection).Select(s => s["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_direct_group_gets_no_conversation_its_owner_muted()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var posted = await StandaloneServer.PostJsonAsync(alice, "/api/v1/statuses", new JsonObject { ["status"] = "@bob psst", ["visibility"] = "direct" });
        var status = (await _server.Services.GetRequiredService<StatusService>().GetAsync(posted["id"]!.GetValue<string>(), CancellationToken.None))!;
        var conversations = _server.Services.GetRequiredService<Core.Conversations.ConversationService>();
        await StandaloneServer.EventuallyAsync(() => conversations.GetAsync(Id(bobAccount), status.ConversationId ?? status.Id, CancellationToken.None));
        var direct = _service.Connect("c-direct", Id(bobAccount), StreamNames.DirectGroup(Id(bobAccount)));
        var publisher = HostedPublisher();

        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{status.AccountId}/mute", []);
        await publisher.ConversationAsync(status, [Id(bobAccount)], CancellationToken.None);
        Assert.Empty(_service.ReceivedBy(direct));

        await StandaloneServer.PostJsonAsync(bob, $"/api/v1/accounts/{status.AccountId}/unmute", []);
        await publisher.ConversationAsync(status, [Id(bobAccount)], CancellationToken.None);
        var conversation = JsonNode.Parse(JsonNode.Parse(Assert.Single(_service.ReceivedBy(direct)))!["payload"]!.GetValue<string>())!;
        Assert.Equal(status.Id, conversation["last_status"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_domain_block_is_kept_both_ways()
    {
        var (bob, bobAccount) = await _server.SignUpAsync("bob");
        var store = _server.Services.GetRequiredService<IDocumentStore>();
        using var form = new FormUrlEncodedContent([new("domain", "remote.example")]);
        (await bob.PostAsync("/api/v1/domain_blocks", form)).EnsureSuccessStatusCode();
        Assert.NotNull(await store.ReadAsync(Containers.Follows, UserDomainBlockRecord.BlockedByPartition("remote.example"), Id(bobAccount), StoreJsonContext.Default.UserDomainBlockRecord, CancellationToken.None));

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/domain_blocks?domain=remote.example");
        (await bob.SendAsync(request)).EnsureSuccessStatusCode();
        Assert.Null(await store.ReadAsync(Containers.Follows, UserDomainBlockRecord.BlockedByPartition("remote.example"), Id(bobAccount), StoreJsonContext.Default.UserDomainBlockRecord, CancellationToken.None));
    }

    /// <summary>The running host's services with a hosted (not in-process) publisher.</summary>
    private sealed class HostedServices(IServiceProvider inner, IStreamPublisher publisher) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IStreamPublisher) ? publisher : inner.GetService(serviceType);
    }
}
