using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Embedded.Queues;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Federation;

/// <summary>
/// One standalone server with its queue workers off (so that what an inbox queued stays countable)
/// and a peer serving the remote actors: <c>remote</c> and <c>other</c> with their own keys.
/// </summary>
public sealed class FailureInboxFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public FailurePeer Peer { get; private set; } = null!;

    public PeerActor Remote { get; private set; } = null!;

    public PeerActor Other { get; private set; } = null!;

    public string AliceUri { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Peer = await FailurePeer.StartAsync();
        Remote = Peer.AddActor("remote", key: 0);
        Other = Peer.AddActor("other", key: 1);
        Server = await StandaloneServer.StartAsync(new Dictionary<string, string?>
        {
            ["ALLOW_PRIVATE_ADDRESSES"] = "true",
            ["RUN_QUEUE_WORKERS"] = "false",
        });
        var (_, alice) = await Server.SignUpAsync("alice");
        AliceUri = $"http://127.0.0.1:{Server.Port}/users/alice";
        _ = alice;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Peer.DisposeAsync();
    }
}

/// <summary>
/// What an inbox (shared and personal) answers to activities it must refuse, and that a refusal
/// leaves nothing behind: no "received" record, nothing on the <c>ingest</c> queue, no status.
/// Accepted activities (both signature formats) are checked with the same probes, so the probes
/// are known to see what an accepted activity leaves.
/// </summary>
public sealed class FailureInboxTests(FailureInboxFixture fixture) : IClassFixture<FailureInboxFixture>
{
    public static TheoryData<string> Inboxes => new() { "/inbox", "/users/alice/inbox" };

    private StandaloneServer Server => fixture.Server;

    private string Url(string path) => $"http://127.0.0.1:{Server.Port}{path}";

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task Malformed_json_is_400_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), "{\"type\": \"Create\", \"actor\": ", fixture.Remote));
        await AssertErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await IngestPendingAsync());
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task Json_that_is_not_an_activity_is_400_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        var noActor = activity.DeepClone().AsObject();
        noActor.Remove("actor");
        var noType = activity.DeepClone().AsObject();
        noType.Remove("type");
        var actorNotAUrl = activity.DeepClone().AsObject();
        actorNotAUrl["actor"] = "remote";
        foreach (var body in new[] { noActor.ToJsonString(), noType.ToJsonString(), actorNotAUrl.ToJsonString(), "[1, 2]", "\"Create\"", "null" })
        {
            using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), body, fixture.Remote));
            await AssertErrorAsync(response, HttpStatusCode.BadRequest);
        }

        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task An_oversized_body_is_413_with_or_without_content_length(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        activity["object"]!["content"] = new string('a', InboxProcessor.MaxBodyBytes + 10);
        var body = activity.ToJsonString();

        using (var sized = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), body, fixture.Remote)))
        {
            await AssertErrorAsync(sized, HttpStatusCode.RequestEntityTooLarge);
        }

        // Chunked: the inbox must stop reading at the cap rather than trust a length it was not told.
        var bytes = Encoding.UTF8.GetBytes(body);
        using var chunked = FailurePeer.SignedPost(Url(inbox), body, fixture.Remote);
        chunked.Content = new UnknownLengthContent(bytes);
        chunked.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/activity+json");
        using (var response = await Server.Client.SendAsync(chunked))
        {
            Assert.Null(chunked.Content.Headers.ContentLength);
            await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        }

        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task An_unsigned_activity_is_401_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(inbox)) { Content = new StringContent(activity.ToJsonString()) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/activity+json");
        using var response = await Server.Client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task A_tampered_body_is_401_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        using var request = FailurePeer.SignedPost(Url(inbox), activity.ToJsonString(), fixture.Remote);
        activity["object"]!["content"] = "<p>Not what was signed</p>";
        request.Content = new StringContent(activity.ToJsonString());
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/activity+json");
        using var response = await Server.Client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task A_signature_made_with_another_key_is_401_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        foreach (var rfc9421 in new[] { false, true })
        {
            using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), activity.ToJsonString(), fixture.Remote.KeyId, FailurePeer.PrivateKey(2), rfc9421: rfc9421));
            await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task A_signature_dated_13_hours_ago_is_401_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        foreach (var rfc9421 in new[] { false, true })
        {
            using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), activity.ToJsonString(), fixture.Remote, DateTimeOffset.UtcNow.AddHours(-13), rfc9421));
            await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task An_activity_signed_by_another_actor_is_401_and_leaves_nothing(string inbox)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);

        // A valid signature, but by "other", for an activity whose actor is "remote".
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), activity.ToJsonString(), fixture.Other));
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Theory]
    [InlineData("/inbox", false)]
    [InlineData("/inbox", true)]
    [InlineData("/users/alice/inbox", false)]
    [InlineData("/users/alice/inbox", true)]
    public async Task A_signed_activity_is_202_stored_once_and_queued_in_either_signature_format(string inbox, bool rfc9421)
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, _) = Create(fixture.Remote);
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), activity.ToJsonString(), fixture.Remote, rfc9421: rfc9421));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var record = await ReceivedAsync(activityId);
        Assert.NotNull(record);
        Assert.Equal("Create", record.Type);
        Assert.Equal(inbox != "/inbox", record.InboxAccountId is not null);
        Assert.Equal(before + 1, await IngestPendingAsync());
        Assert.Single(await IngestMessagesForAsync(activityId));
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task A_duplicate_is_202_and_queued_once(string inbox)
    {
        var (activity, activityId, _) = Create(fixture.Remote);
        var body = activity.ToJsonString();
        using (var first = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), body, fixture.Remote)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var before = await IngestPendingAsync();

        // Redelivered (a sender's retry, or the other inbox in RFC 9421 this time): accepted, not queued again.
        foreach (var (path, rfc9421) in new[] { (inbox, false), ("/inbox", true), ("/users/alice/inbox", false) })
        {
            using var again = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(path), body, fixture.Remote, rfc9421: rfc9421));
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        Assert.Equal(before, await IngestPendingAsync());
        Assert.Single(await IngestMessagesForAsync(activityId));
    }

    [Fact]
    public async Task An_actor_cannot_claim_an_activity_id_of_another_origin_to_have_the_real_one_dropped()
    {
        await using var elsewhere = await FailurePeer.StartAsync();
        var mallory = elsewhere.AddActor("mallory", key: 2);
        var before = await IngestPendingAsync();
        var (activity, activityId, _) = Create(fixture.Remote);
        var forged = activity.DeepClone().AsObject();
        forged["actor"] = mallory.Uri;
        forged["object"]!["attributedTo"] = mallory.Uri;
        using (var first = await Server.Client.SendAsync(FailurePeer.SignedPost(Url("/inbox"), forged.ToJsonString(), mallory)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        // The real activity, from the origin its id names, arrives later: it is received, not taken for a duplicate.
        using (var real = await Server.Client.SendAsync(FailurePeer.SignedPost(Url("/inbox"), activity.ToJsonString(), fixture.Remote)))
        {
            Assert.Equal(HttpStatusCode.Accepted, real.StatusCode);
        }

        var record = await ReceivedAsync(activityId);
        var remote = await Server.Services.GetRequiredService<AccountService>().FindByUriAsync(fixture.Remote.Uri, CancellationToken.None);
        Assert.Equal(remote!.Id, record!.ActorAccountId);
        Assert.Equal(before + 2, await IngestPendingAsync());
    }

    [Theory]
    [MemberData(nameof(Inboxes))]
    public async Task A_delete_from_an_actor_never_known_is_202_without_fetching_anything(string inbox)
    {
        var before = await IngestPendingAsync();
        var ghost = $"{fixture.Peer.BaseUrl}/users/ghost-{Guid.NewGuid():N}";
        var activityId = ghost + "#delete";
        var delete = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = activityId,
            ["type"] = "Delete",
            ["actor"] = ghost,
            ["object"] = ghost,
            ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
        };

        // Signed with a key id under the gone actor, as a deleted account's server signs its farewell.
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url(inbox), delete.ToJsonString(), ghost + "#main-key", FailurePeer.PrivateKey(2)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain(fixture.Peer.Requests, r => r.Path.StartsWith(new Uri(ghost).AbsolutePath, StringComparison.Ordinal));
        Assert.Null(await ReceivedAsync(activityId));
        Assert.Equal(before, await IngestPendingAsync());
    }

    [Fact]
    public async Task An_activity_from_one_of_our_own_actors_is_refused()
    {
        var before = await IngestPendingAsync();
        var (activity, activityId, noteId) = Create(fixture.Remote);
        activity["actor"] = fixture.AliceUri;
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url("/inbox"), activity.ToJsonString(), fixture.Remote));
        await AssertErrorAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingStoredAsync(activityId, noteId, before);
    }

    [Fact]
    public async Task The_personal_inbox_of_an_unknown_account_is_404()
    {
        var (activity, activityId, _) = Create(fixture.Remote);
        using var response = await Server.Client.SendAsync(FailurePeer.SignedPost(Url("/users/nobody/inbox"), activity.ToJsonString(), fixture.Remote));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await ReceivedAsync(activityId));
    }

    /// <summary>A Create of a public Note by <paramref name="actor"/>, with fresh ids.</summary>
    internal static (JsonObject Activity, string ActivityId, string NoteId) Create(PeerActor actor, string content = "<p>Hello from the peer</p>")
    {
        var noteId = $"{actor.Uri}/statuses/{Guid.NewGuid():N}";
        var activity = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = noteId + "/activity",
            ["type"] = "Create",
            ["actor"] = actor.Uri,
            ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
            ["object"] = new JsonObject
            {
                ["id"] = noteId,
                ["type"] = "Note",
                ["attributedTo"] = actor.Uri,
                ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
                ["content"] = content,
                ["published"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        return (activity, noteId + "/activity", noteId);
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.False(string.IsNullOrWhiteSpace(JsonNode.Parse(text)?["error"]?.GetValue<string>()), text);
    }

    private async Task AssertNothingStoredAsync(string activityId, string noteId, long ingestBefore)
    {
        Assert.Null(await ReceivedAsync(activityId));
        Assert.Empty(await IngestMessagesForAsync(activityId));
        Assert.Equal(ingestBefore, await IngestPendingAsync());
        Assert.False(await Server.Services.GetRequiredService<StatusService>().KnowsUriAsync(noteId, CancellationToken.None));
    }

    private async Task<InboundActivityRecord?> ReceivedAsync(string activityId)
    {
        var key = InboundKey(activityId);
        var doc = await Server.Services.GetRequiredService<IDocumentStore>().ReadAsync(Containers.Activities, key, key, FederationJsonContext.Default.InboundActivityRecord, CancellationToken.None);
        return doc?.Value;
    }

    private static string InboundKey(string activityId) => "in:" + LookupKeys.Uri(activityId)[4..];

    private async Task<long> IngestPendingAsync()
    {
        var counts = await Server.Services.GetRequiredService<SqliteWorkQueue>().GetCountsAsync(QueueNames.Ingest, CancellationToken.None);
        return counts.Ready + counts.NotVisible + counts.DeadLettered;
    }

    private async Task<IReadOnlyList<PendingQueueMessage>> IngestMessagesForAsync(string activityId)
    {
        var key = InboundKey(activityId);
        var pending = await Server.Services.GetRequiredService<SqliteWorkQueue>().ListPendingAsync(QueueNames.Ingest, 1000, CancellationToken.None);
        return [.. pending.Where(m => m.Body.Contains(key, StringComparison.Ordinal))];
    }

    /// <summary>Content that does not say its length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}

/// <summary>A duplicate received before the first copy was processed is processed once, and stays a duplicate afterwards.</summary>
public sealed class FailureInboxDuplicateTests : IAsyncLifetime
{
    private FailurePeer _peer = null!;
    private StandaloneServer _server = null!;

    public async Task InitializeAsync()
    {
        _peer = await FailurePeer.StartAsync();
        _server = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["ALLOW_PRIVATE_ADDRESSES"] = "true", ["RUN_QUEUE_WORKERS"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task A_duplicate_is_processed_once()
    {
        var remote = _peer.AddActor("remote");
        var (activity, _, noteId) = FailureInboxTests.Create(remote, "<p>Said twice</p>");
        var body = activity.ToJsonString();
        var inbox = $"http://127.0.0.1:{_server.Port}/inbox";
        for (var i = 0; i < 3; i++)
        {
            using var response = await _server.Client.SendAsync(FailurePeer.SignedPost(inbox, body, remote, rfc9421: i == 1));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var queue = _server.Services.GetRequiredService<SqliteWorkQueue>();
        Assert.Single(await queue.ListPendingAsync(QueueNames.Ingest, 100, CancellationToken.None));

        // The workers start: the one queued copy is ingested, and the status exists once.
        await _server.RestartAsync(new Dictionary<string, string?> { ["RUN_QUEUE_WORKERS"] = "true" });
        var status = await StandaloneServer.EventuallyAsync(() => _server.Services.GetRequiredService<StatusService>().FindByUriAsync(noteId, CancellationToken.None));
        await StandaloneServer.EventuallyAsync(async () => (await _server.Services.GetRequiredService<SqliteWorkQueue>().ListPendingAsync(QueueNames.Ingest, 100, CancellationToken.None)).Count == 0 ? "done" : null);
        var author = await _server.Services.GetRequiredService<AccountService>().FindByUriAsync(remote.Uri, CancellationToken.None);
        Assert.Equal(author!.Id, status.AccountId);
        Assert.Equal(1, author.StatusesCount);

        // Redelivered after processing: still remembered as received.
        using (var late = await _server.Client.SendAsync(FailurePeer.SignedPost(inbox, body, remote)))
        {
            Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        }

        Assert.Empty(await _server.Services.GetRequiredService<SqliteWorkQueue>().ListPendingAsync(QueueNames.Ingest, 100, CancellationToken.None));
    }
}
