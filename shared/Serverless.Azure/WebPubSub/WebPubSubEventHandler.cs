using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Core.Errors;
using Serverless.Core.Json;
using Serverless.Core.Lists;
using Serverless.Core.OAuth;
using Serverless.Core.Security;
using Serverless.Core.Storage;
using Serverless.Core.Streaming;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Web PubSub's upstream events for the streaming hub (CloudEvents in HTTP binary mode, at
/// <c>/_streaming/{event}</c>): the abuse-protection OPTIONS, <c>connect</c> (authenticate the
/// Mastodon token from the subprotocol, masto.js, or <c>?access_token=</c>, megalodon; answer with
/// the account as <c>userId</c>, the token echoed as <c>subprotocol</c> and the groups of
/// <c>?stream=</c>) and user <c>message</c>s (subscribe/unsubscribe frames → group membership
/// through the REST API, each checked against the scopes of the token the connection opened with).
/// </summary>
/// <remarks>
/// Who may call: with an access key, every event must carry a matching <c>ce-signature</c>.
/// Without one (an Entra-only service, local auth disabled) the service sends an Entra token of
/// its managed identity in <c>Authorization</c>, which <see cref="WebPubSubEventAuthenticator"/>
/// validates (signature, issuer, audience, lifetime, our identity); with neither configured every
/// event is refused. The connect answer sets <c>ce-connectionState</c> to the key of the Mastodon
/// token (its hash, never the token), which the service sends back with every later event: a
/// subscribe frame then re-reads the token (one point read) for its current scopes and revocation.
/// </remarks>
public sealed partial class WebPubSubEventHandler(
    IWebPubSubClient client,
    WebPubSubOptions options,
    OAuthService oauth,
    ListService lists,
    IDocumentStore store,
    WebPubSubEventAuthenticator? authenticator,
    ILogger<WebPubSubEventHandler> logger) : IStreamingEventHandler
{
    public const string ConnectType = "azure.webpubsub.sys.connect";
    public const string ConnectedType = "azure.webpubsub.sys.connected";
    public const string DisconnectedType = "azure.webpubsub.sys.disconnected";
    public const string MessageType = "azure.webpubsub.user.message";

    /// <summary>Subprotocols Web PubSub itself understands: never a Mastodon token.</summary>
    private const string ServiceSubprotocolSuffix = ".webpubsub.azure.v1";

    /// <summary>The connection state header: set on the connect answer, sent back by the service with each later event.</summary>
    public const string ConnectionStateHeader = "ce-connectionState";

    private const string MissingScopes = "Access token does not have the required scopes";

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method))
        {
            AbuseProtection(context);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST, OPTIONS";
            return;
        }

        if (!await AuthenticAsync(request, context.RequestAborted))
        {
            Log.EventRejected(logger, request.Headers["ce-type"].ToString());
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Invalid event signature");
            return;
        }

        if (!string.Equals(request.Headers["ce-hub"].ToString(), options.Hub, StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Unknown hub");
            return;
        }

        switch (request.Headers["ce-type"].ToString())
        {
            case ConnectType:
                await ConnectAsync(context);
                break;
            case MessageType:
                await MessageAsync(context);
                break;
            case ConnectedType or DisconnectedType:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "Unknown event type");
                break;
        }
    }

    /// <summary>Answers the CloudEvents webhook validation: only for our own service's host when the endpoint is known.</summary>
    private void AbuseProtection(HttpContext context)
    {
        var origins = context.Request.Headers["WebHook-Request-Origin"].ToString();
        if (string.IsNullOrEmpty(origins))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var allowed = options.Endpoint is { } endpoint
            ? origins.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(o => string.Equals(o, endpoint.Host, StringComparison.OrdinalIgnoreCase))
            : origins.Split(',', StringSplitOptions.TrimEntries)[0];
        if (allowed is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        context.Response.Headers["WebHook-Allowed-Origin"] = allowed;
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task<bool> AuthenticAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (options.AccessKey is { } key)
        {
            return WebPubSubAccessKey.Verify(key, request.Headers["ce-connectionId"].ToString(), request.Headers["ce-signature"].ToString());
        }

        // No key and no Entra settings: nothing can prove the caller is our service, so nothing is accepted.
        return authenticator is not null && await authenticator.AuthenticateAsync(request.Headers.Authorization.ToString(), cancellationToken);
    }

    private async Task ConnectAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        using var body = await ReadJsonAsync(context);
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid connect event");
            return;
        }

        var root = body.RootElement;
        var subprotocol = Strings(root, "subprotocols").FirstOrDefault(p => !p.EndsWith(ServiceSubprotocolSuffix, StringComparison.OrdinalIgnoreCase) && p.Length > 0);
        var query = root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.Object ? q : default;
        var token = subprotocol ?? First(query, "access_token") ?? BearerFromHeaders(root);
        if (string.IsNullOrEmpty(token))
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Missing access token");
            return;
        }

        var record = await oauth.AuthenticateAsync(token, cancellationToken);
        if (record?.AccountId is not { } accountId)
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Invalid access token");
            return;
        }

        if (!record.Scopes.Any(s => s is "read" or "read:statuses" or "read:notifications"))
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "Access token does not have the required scopes");
            return;
        }

        var groups = new List<string>();
        if (First(query, "stream") is { } stream)
        {
            var (group, error) = await GroupAsync(stream, accountId, First(query, "tag"), First(query, "list"), cancellationToken);
            if (group is not null && !Scopes.Covers(record.Scopes, StreamNames.RequiredScope(stream)))
            {
                // user:notification needs read:notifications, the others read:statuses (or read), as Mastodon checks.
                (group, error) = (null, MissingScopes);
            }

            if (group is null)
            {
                await ErrorAsync(context, error is NotAuthorizedList or MissingScopes ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest, error!);
                return;
            }

            groups.Add(group);
        }

        Log.Connected(logger, accountId, groups.Count);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers[ConnectionStateHeader] = ConnectionState(AccessTokenRecord.Key(Secrets.Hash(token)));
        await context.Response.WriteAsync(ConnectResponse(accountId, groups, subprotocol), cancellationToken);
    }

    private async Task MessageAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var connectionId = context.Request.Headers["ce-connectionId"].ToString();
        var accountId = context.Request.Headers["ce-userId"].ToString();
        if (string.IsNullOrEmpty(connectionId) || string.IsNullOrEmpty(accountId))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "Missing connection or user");
            return;
        }

        using var body = await ReadJsonAsync(context);
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            await FrameErrorAsync(context, "Could not parse JSON");
            return;
        }

        var root = body.RootElement;
        var type = Text(root, "type");
        if (type is not ("subscribe" or "unsubscribe"))
        {
            await FrameErrorAsync(context, "Unknown message type");
            return;
        }

        var stream = Text(root, "stream");
        var (group, error) = await GroupAsync(stream, accountId, Text(root, "tag"), Text(root, "list"), cancellationToken);
        if (group is null)
        {
            await FrameErrorAsync(context, error!, error == NotAuthorizedList ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest);
            return;
        }

        if (type == "subscribe")
        {
            // The token the connection opened with, as it is now: revoked → refused; each stream needs its own scope.
            var token = await TokenAsync(context.Request.Headers[ConnectionStateHeader].ToString(), cancellationToken);
            if (token is null || token.AccountId != accountId)
            {
                await FrameErrorAsync(context, "Invalid access token", StatusCodes.Status401Unauthorized);
                return;
            }

            if (!Scopes.Covers(token.Scopes, StreamNames.RequiredScope(stream!)))
            {
                await FrameErrorAsync(context, MissingScopes, StatusCodes.Status401Unauthorized);
                return;
            }

            await client.AddConnectionToGroupAsync(group, connectionId, cancellationToken);
        }
        else
        {
            await client.RemoveConnectionFromGroupAsync(group, connectionId, cancellationToken);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private const string NotAuthorizedList = "Not authorized to stream this list";

    /// <summary>The connection state: base64 of <c>{"token":"token:{hash}"}</c> (the service asks for base64 when a value is more than plain characters).</summary>
    public static string ConnectionState(string tokenKey)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("token", tokenKey);
            writer.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <summary>The live token record named by the connection state; null when absent, malformed, unknown or revoked.</summary>
    private async Task<AccessTokenRecord?> TokenAsync(string state, CancellationToken cancellationToken)
    {
        string? key;
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(state));
            key = json.RootElement.ValueKind == JsonValueKind.Object ? Text(json.RootElement, "token") : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }

        if (key is null || !key.StartsWith(AccessTokenRecord.Key(""), StringComparison.Ordinal))
        {
            return null;
        }

        var doc = await store.ReadAsync(Containers.OAuth, key, key, StoreJsonContext.Default.AccessTokenRecord, cancellationToken);
        return doc?.Value is { RevokedAt: null } record ? record : null;
    }

    private async Task<(string? Group, string? Error)> GroupAsync(string? stream, string accountId, string? tag, string? list, CancellationToken cancellationToken)
    {
        var (group, error) = StreamGroups.Resolve(stream, accountId, tag, list);
        if (group is not null && stream == "list")
        {
            try
            {
                await lists.GetAsync(accountId, list!.Trim(), cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                return (null, NotAuthorizedList);
            }
        }

        return (group, error);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ConnectResponse(string accountId, IReadOnlyList<string> groups, string? subprotocol)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("userId", accountId);
            writer.WriteStartArray("groups");
            foreach (var group in groups)
            {
                writer.WriteStringValue(group);
            }

            writer.WriteEndArray();
            if (subprotocol is not null)
            {
                writer.WriteString("subprotocol", subprotocol);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>An error for the event itself: on connect the service refuses the WebSocket with it.</summary>
    private static async Task ErrorAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(error, context.RequestAborted);
    }

    /// <summary>A reply to a bad frame: the service sends a message event's response body back to the client, as Mastodon sends its error frame.</summary>
    private static async Task FrameErrorAsync(HttpContext context, string error, int status = StatusCodes.Status400BadRequest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteNumber("status", status);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : [];

    /// <summary>A query or header value: the service sends each as an array of strings.</summary>
    private static string? First(JsonElement map, string name) =>
        map.ValueKind == JsonValueKind.Object ? Strings(map, name).FirstOrDefault(v => v.Length > 0) : null;

    private static string? BearerFromHeaders(JsonElement root)
    {
        if (!root.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var header in headers.EnumerateObject())
        {
            if (string.Equals(header.Name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                var value = Strings(headers, header.Name).FirstOrDefault();
                return value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Streaming connection for account {AccountId} with {Groups} initial groups")]
        public static partial void Connected(ILogger logger, string accountId, int groups);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Web PubSub event {Type} refused: no valid signature or Entra token of our identity")]
        public static partial void EventRejected(ILogger logger, string type);
    }
}
