using System.Text;
using System.Text.Json;
using Azure.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Azure.WebPubSub;
using Serverless.Core.Ids;
using Serverless.Core.Lists;
using Serverless.Core.OAuth;
using Serverless.Core.Security;
using Serverless.Embedded.Sqlite;
using Serverless.Tests.Embedded;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>
/// The upstream events as Web PubSub sends them (CloudEvents binary mode: <c>ce-*</c> headers,
/// the event data as the body), answered by the handler, with group changes going to the fake REST API.
/// </summary>
public sealed class WebPubSubEventHandlerTests : IAsyncLifetime, IDisposable
{
    private const string AccessKey = "local-test-access-key-0123456789";
    private const string ConnectionId = "conn-abc";

    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new();
    private FakeWebPubSubService _service = null!;
    private SqliteDocumentStore _store = null!;
    private OAuthService _oauth = null!;
    private ListService _lists = null!;
    private WebPubSubEventHandler _handler = null!;
    private WebPubSubOptions _options = null!;

    public async Task InitializeAsync()
    {
        _service = await FakeWebPubSubService.StartAsync();
        _store = new SqliteDocumentStore(_directory.File("documents.db"));
        _oauth = new OAuthService(_store, new SnowflakeIds(TimeProvider.System), TimeProvider.System);
        _lists = new ListService(_store, new SnowflakeIds(TimeProvider.System), TimeProvider.System);
        _options = new WebPubSubOptions { Endpoint = _service.Endpoint, AccessKey = AccessKey };
        _handler = Handler(_options);
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _store?.Dispose();
        _directory.Dispose();
    }

    private WebPubSubEventHandler Handler(WebPubSubOptions options) =>
        new(new HttpWebPubSubClient(_http, options, options.AccessKey is null ? new StaticCredential() : null, TimeProvider.System), options, _oauth, _lists, _store, null, NullLogger<WebPubSubEventHandler>.Instance);

    /// <summary>The connection state the connect answer set for <paramref name="token"/>, as the service sends it back.</summary>
    private static string StateOf(string token) => WebPubSubEventHandler.ConnectionState(AccessTokenRecord.Key(Secrets.Hash(token)));

    private async Task<string> TokenAsync(string accountId, params string[] scopes)
    {
        var app = await _oauth.CreateApplicationAsync("Streaming test", OAuthService.OutOfBand, "read write", null, CancellationToken.None);
        var (token, _) = await _oauth.IssueTokenAsync(app, accountId, scopes.Length == 0 ? ["read", "write"] : scopes, CancellationToken.None);
        return token;
    }

    [Fact]
    public async Task Abuse_protection_echoes_the_services_own_origin_only()
    {
        var context = Context("OPTIONS");
        context.Request.Headers["WebHook-Request-Origin"] = _service.Endpoint.Host;
        await _handler.HandleAsync(context);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(_service.Endpoint.Host, context.Response.Headers["WebHook-Allowed-Origin"].ToString());

        var stranger = Context("OPTIONS");
        stranger.Request.Headers["WebHook-Request-Origin"] = "evil.example";
        await _handler.HandleAsync(stranger);
        Assert.Equal(403, stranger.Response.StatusCode);
        Assert.False(stranger.Response.Headers.ContainsKey("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task Connect_with_the_token_as_subprotocol_echoes_it_and_names_the_account_masto_style()
    {
        var token = await TokenAsync("109");

        var context = Event(WebPubSubEventHandler.ConnectType, ConnectBody([token], new() { ["stream"] = ["user"] }));
        await _handler.HandleAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        using var answer = JsonDocument.Parse(ResponseBody(context));
        Assert.Equal("109", answer.RootElement.GetProperty("userId").GetString());
        Assert.Equal(token, answer.RootElement.GetProperty("subprotocol").GetString());
        Assert.Equal(["user:109"], answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Connect_with_access_token_and_a_hashtag_stream_joins_the_normalised_tag_megalodon_style()
    {
        var token = await TokenAsync("7", "read:statuses");

        var context = Event(WebPubSubEventHandler.ConnectType, ConnectBody(["json.webpubsub.azure.v1"], new()
        {
            ["access_token"] = [token], ["stream"] = ["hashtag:local"], ["tag"] = ["Cats"],
        }));
        await _handler.HandleAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        using var answer = JsonDocument.Parse(ResponseBody(context));
        Assert.False(answer.RootElement.TryGetProperty("subprotocol", out _));
        Assert.Equal(["hashtag:local:cats"], answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Connect_with_an_unknown_missing_or_unscoped_token_is_refused()
    {
        var unknown = Event(WebPubSubEventHandler.ConnectType, ConnectBody(["not-a-token"], []));
        await _handler.HandleAsync(unknown);
        Assert.Equal(401, unknown.Response.StatusCode);

        var missing = Event(WebPubSubEventHandler.ConnectType, ConnectBody([], new() { ["stream"] = ["public"] }));
        await _handler.HandleAsync(missing);
        Assert.Equal(401, missing.Response.StatusCode);

        var writeOnly = Event(WebPubSubEventHandler.ConnectType, ConnectBody([await TokenAsync("8", "write")], []));
        await _handler.HandleAsync(writeOnly);
        Assert.Equal(401, writeOnly.Response.StatusCode);
    }

    [Fact]
    public async Task A_stream_needs_its_own_read_scope()
    {
        var notificationsOnly = await TokenAsync("9", "read:notifications");

        var user = Event(WebPubSubEventHandler.ConnectType, ConnectBody([notificationsOnly], new() { ["stream"] = ["user"] }));
        await _handler.HandleAsync(user);
        Assert.Equal(401, user.Response.StatusCode);

        var notifications = Event(WebPubSubEventHandler.ConnectType, ConnectBody([notificationsOnly], new() { ["stream"] = ["user:notification"] }));
        await _handler.HandleAsync(notifications);
        Assert.Equal(200, notifications.Response.StatusCode);
        using var answer = JsonDocument.Parse(ResponseBody(notifications));
        Assert.Equal(["user:notification:9"], answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task A_list_stream_is_only_for_the_lists_owner()
    {
        var list = await _lists.CreateAsync("300", "Friends", "list", false, CancellationToken.None);

        var owner = Event(WebPubSubEventHandler.ConnectType, ConnectBody([await TokenAsync("300")], new() { ["stream"] = ["list"], ["list"] = [list.Id] }));
        await _handler.HandleAsync(owner);
        Assert.Equal(200, owner.Response.StatusCode);
        Assert.Contains("list:" + list.Id, ResponseBody(owner), StringComparison.Ordinal);

        var other = Event(WebPubSubEventHandler.ConnectType, ConnectBody([await TokenAsync("301")], new() { ["stream"] = ["list"], ["list"] = [list.Id] }));
        await _handler.HandleAsync(other);
        Assert.Equal(401, other.Response.StatusCode);

        var frame = Event(WebPubSubEventHandler.MessageType, $$"""{"type":"subscribe","stream":"list","list":"{{list.Id}}"}""", userId: "301", state: StateOf(await TokenAsync("301")));
        await _handler.HandleAsync(frame);
        Assert.Contains("Not authorized to stream this list", ResponseBody(frame), StringComparison.Ordinal);
        Assert.Empty(_service.Requests);
    }

    [Fact]
    public async Task The_connect_answer_keeps_the_tokens_key_not_the_token_in_the_connection_state()
    {
        var token = await TokenAsync("41");
        var context = Event(WebPubSubEventHandler.ConnectType, ConnectBody([token], []));
        await _handler.HandleAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        var state = context.Response.Headers[WebPubSubEventHandler.ConnectionStateHeader].ToString();
        Assert.Equal(StateOf(token), state);
        Assert.DoesNotContain(token, Encoding.UTF8.GetString(Convert.FromBase64String(state)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_frames_need_the_streams_scope_and_a_token_still_valid()
    {
        var statusesOnly = StateOf(await TokenAsync("43", "read:statuses"));
        var notifications = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"user:notification"}""", userId: "43", state: statusesOnly);
        await _handler.HandleAsync(notifications);
        using (var error = JsonDocument.Parse(ResponseBody(notifications)))
        {
            Assert.Equal("Access token does not have the required scopes", error.RootElement.GetProperty("error").GetString());
            Assert.Equal(401, error.RootElement.GetProperty("status").GetInt32());
        }

        var notificationsOnly = StateOf(await TokenAsync("43", "read:notifications"));
        var publicStream = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"public"}""", userId: "43", state: notificationsOnly);
        await _handler.HandleAsync(publicStream);
        Assert.Contains("Access token does not have the required scopes", ResponseBody(publicStream), StringComparison.Ordinal);

        var allowed = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"user:notification"}""", userId: "43", state: notificationsOnly);
        await _handler.HandleAsync(allowed);
        Assert.Equal(204, allowed.Response.StatusCode);

        // Revoked after connecting; a state that names nothing; someone else's token; no state at all.
        var app = await _oauth.CreateApplicationAsync("Revoked", OAuthService.OutOfBand, "read", null, CancellationToken.None);
        var (revoked, _) = await _oauth.IssueTokenAsync(app, "43", ["read"], CancellationToken.None);
        Assert.True(await _oauth.RevokeAsync(revoked, app.ClientId, CancellationToken.None));
        foreach (var state in new[] { StateOf(revoked), StateOf("made-up"), StateOf(await TokenAsync("44")), "", "not base64!" })
        {
            var frame = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"public"}""", userId: "43", state: state);
            await _handler.HandleAsync(frame);
            Assert.Contains("Invalid access token", ResponseBody(frame), StringComparison.Ordinal);
        }

        Assert.Single(_service.Requests);
    }

    [Fact]
    public async Task Subscribe_and_unsubscribe_frames_change_the_connections_groups()
    {
        var state = StateOf(await TokenAsync("42"));
        var subscribe = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"hashtag","tag":"#Fediverse"}""", userId: "42", state: state);
        await _handler.HandleAsync(subscribe);
        var user = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"user"}""", userId: "42", state: state);
        await _handler.HandleAsync(user);
        var unsubscribe = Event(WebPubSubEventHandler.MessageType, """{"type":"unsubscribe","stream":"hashtag","tag":"fediverse"}""", userId: "42");
        await _handler.HandleAsync(unsubscribe);

        Assert.All([subscribe, user, unsubscribe], c => Assert.Equal(204, c.Response.StatusCode));
        Assert.Collection(
            _service.Requests,
            r => Assert.Equal(("PUT", "/api/hubs/streaming/groups/hashtag%3Afediverse/connections/conn-abc?api-version=2024-01-01"), (r.Method, r.RawTarget)),
            r => Assert.Equal(("PUT", "/api/hubs/streaming/groups/user%3A42/connections/conn-abc?api-version=2024-01-01"), (r.Method, r.RawTarget)),
            r => Assert.Equal(("DELETE", "/api/hubs/streaming/groups/hashtag%3Afediverse/connections/conn-abc?api-version=2024-01-01"), (r.Method, r.RawTarget)));
    }

    [Fact]
    public async Task A_bad_frame_gets_Mastodons_error_frame_back_and_changes_nothing()
    {
        var unknown = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"firehose"}""", userId: "42");
        await _handler.HandleAsync(unknown);
        var garbage = Event(WebPubSubEventHandler.MessageType, "not json", userId: "42");
        await _handler.HandleAsync(garbage);

        using var error = JsonDocument.Parse(ResponseBody(unknown));
        Assert.Equal("Unknown stream type", error.RootElement.GetProperty("error").GetString());
        Assert.Equal(400, error.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("Could not parse JSON", ResponseBody(garbage), StringComparison.Ordinal);
        Assert.Empty(_service.Requests);
    }

    [Fact]
    public async Task Events_without_a_valid_signature_are_refused_and_a_rotated_key_still_verifies()
    {
        var token = await TokenAsync("5");
        var forged = Event(WebPubSubEventHandler.ConnectType, ConnectBody([token], []), signature: "sha256=" + new string('0', 64));
        await _handler.HandleAsync(forged);
        Assert.Equal(401, forged.Response.StatusCode);

        var unsigned = Event(WebPubSubEventHandler.MessageType, """{"type":"subscribe","stream":"user"}""", userId: "5", signature: "");
        await _handler.HandleAsync(unsigned);
        Assert.Equal(401, unsigned.Response.StatusCode);
        Assert.Empty(_service.Requests);

        // During key rotation the service signs with both keys.
        var rotated = Event(WebPubSubEventHandler.ConnectType, ConnectBody([token], []),
            signature: WebPubSubAccessKey.Sign("old-key", ConnectionId) + "," + WebPubSubAccessKey.Sign(AccessKey, ConnectionId));
        await _handler.HandleAsync(rotated);
        Assert.Equal(200, rotated.Response.StatusCode);
    }

    [Fact]
    public async Task Without_an_access_key_or_Entra_settings_every_event_is_refused()
    {
        var entraOnly = Handler(new WebPubSubOptions { Endpoint = _service.Endpoint });
        var token = await TokenAsync("6");

        var anonymous = Event(WebPubSubEventHandler.ConnectType, ConnectBody([token], []), signature: "");
        anonymous.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = "service-principal-id";
        anonymous.Request.Headers.Authorization = "Bearer anything";
        await entraOnly.HandleAsync(anonymous);
        Assert.Equal(401, anonymous.Response.StatusCode);
    }

    [Fact]
    public async Task Connected_and_disconnected_events_are_acknowledged_and_other_hubs_refused()
    {
        var connected = Event(WebPubSubEventHandler.ConnectedType, "{}");
        await _handler.HandleAsync(connected);
        Assert.Equal(204, connected.Response.StatusCode);

        var otherHub = Event(WebPubSubEventHandler.ConnectedType, "{}");
        otherHub.Request.Headers["ce-hub"] = "chat";
        await _handler.HandleAsync(otherHub);
        Assert.Equal(400, otherHub.Response.StatusCode);
    }

    internal static DefaultHttpContext Context(string method)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/_streaming/connect";
        context.Response.Body = new MemoryStream();
        return context;
    }

    internal static DefaultHttpContext Event(string type, string body, string? userId = null, string? signature = null, string? state = null)
    {
        var context = Context("POST");
        var headers = context.Request.Headers;
        headers["ce-specversion"] = "1.0";
        headers["ce-type"] = type;
        headers["ce-source"] = "/hubs/streaming/client/" + ConnectionId;
        headers["ce-id"] = Guid.NewGuid().ToString();
        headers["ce-time"] = DateTimeOffset.UtcNow.ToString("O");
        headers["ce-hub"] = "streaming";
        headers["ce-connectionId"] = ConnectionId;
        headers["ce-eventName"] = type.Split('.')[^1];
        headers["ce-signature"] = signature ?? WebPubSubAccessKey.Sign(AccessKey, ConnectionId);
        if (userId is not null)
        {
            headers["ce-userId"] = userId;
        }

        if (state is not null)
        {
            headers[WebPubSubEventHandler.ConnectionStateHeader] = state;
        }

        context.Request.ContentType = type == WebPubSubEventHandler.MessageType ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context;
    }

    internal static string ConnectBody(string[] subprotocols, Dictionary<string, string[]> query)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("claims");
            writer.WriteEndObject();
            writer.WriteStartObject("query");
            foreach (var (name, values) in query)
            {
                writer.WriteStartArray(name);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteStartArray("subprotocols");
            foreach (var protocol in subprotocols)
            {
                writer.WriteStringValue(protocol);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("clientCertificates");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static string ResponseBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    private sealed class StaticCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("entra-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
