using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Lists;
using Serverless.Core.OAuth;
using Serverless.Core.Streaming;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Streaming;

/// <summary>
/// <c>/api/v1/streaming</c> as Mastodon's streaming server answers it: a WebSocket authenticated by
/// the token in <c>Sec-WebSocket-Protocol</c> (masto.js; the protocol is echoed back),
/// <c>?access_token=</c> (megalodon) or an <c>Authorization</c> header; <c>?stream=</c> (with
/// <c>tag</c> or <c>list</c>) and subscribe/unsubscribe frames; and the <c>health</c> check.
/// WebSockets are served where the stream publisher is in process (the standalone host); behind a
/// hosted service (Web PubSub) a plain request is redirected to the advertised streaming host.
/// </summary>
public static partial class StreamingEndpoints
{
    public const string Path = "/api/v1/streaming";

    /// <summary>How often an idle socket is pinged, so that proxies keep it open (Mastodon pings every 30 s).</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    /// <summary><c>GET /api/v1/streaming/health</c>: <c>OK</c> in plain text, as Mastodon's streaming server.</summary>
    public static Task Health(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Raw("OK", "text/plain; charset=utf-8");
    }

    /// <summary><c>GET /api/v1/streaming</c>: the WebSocket.</summary>
    public static async Task Connect(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = request.Http;
        var subscriptions = request.Service<IStreamPublisher>() as IStreamSubscriptions;
        if (subscriptions is null || !http.WebSockets.IsWebSocketRequest)
        {
            // As Mastodon's web host: a streaming host elsewhere gets the request, else there is nothing here.
            var advertised = Api.V1.InstancesEndpoints.StreamingUrl(request);
            if (subscriptions is null && Uri.TryCreate(advertised, UriKind.Absolute, out var streaming) && !string.Equals(streaming.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            {
                var target = (streaming.Scheme == "ws" ? "http" : "https") + "://" + streaming.Authority + Path + http.Request.QueryString.Value;
                http.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                http.Response.Headers.Location = target;
                return;
            }

            throw subscriptions is null ? ApiException.NotFound() : new ApiException(StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade");
        }

        var (token, fromProtocol) = Token(request);
        if (string.IsNullOrEmpty(token))
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, "Missing access token");
        }

        var record = await request.Service<OAuthService>().AuthenticateAsync(token, request.Aborted);
        if (record?.AccountId is not { } accountId)
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, "Invalid access token");
        }

        if (!record.Scopes.Any(s => s is Scopes.Read or "read:statuses" or "read:notifications"))
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, "Access token does not have the required scopes");
        }

        var accounts = request.Service<AccountService>();
        var account = await accounts.GetAsync(accountId, request.Aborted);
        var user = account is null ? null : await accounts.GetUserAsync(accountId, request.Aborted);
        if (account is null || user is null || account.SuspendedAt is not null)
        {
            throw new ApiException(StatusCodes.Status401Unauthorized, "Invalid access token");
        }

        if (!user.Approved)
        {
            throw new ApiException(StatusCodes.Status403Forbidden, "Your login is currently pending approval");
        }

        var viewer = await request.Service<StreamingViewers>().ForAsync(account, request.Aborted);
        var logger = request.Service<ILogger<StreamingConnection>>();
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = fromProtocol ? token : null,
            KeepAliveInterval = KeepAlive,
        });
        using var subscription = subscriptions.Subscribe([]);
        using var connection = new StreamingConnection(socket, subscription, viewer, record.Scopes, request.Service<ListService>(), logger);
        if (request.Params.GetString("stream") is { Length: > 0 } stream)
        {
            await connection.SubscribeAsync(stream, request.Params.GetString("tag"), request.Params.GetString("list"), request.Aborted);
        }

        try
        {
            await connection.RunAsync(request.Aborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }

    /// <summary>The token and whether it came as the subprotocol (which must then be echoed, or browsers drop the socket).</summary>
    private static (string? Token, bool FromProtocol) Token(ApiRequest request)
    {
        var protocols = request.Http.WebSockets.WebSocketRequestedProtocols;
        if (protocols.Count > 0 && protocols[0] is { Length: > 0 } protocol)
        {
            return (protocol, true);
        }

        if (request.Params.GetString("access_token") is { Length: > 0 } query)
        {
            return (query, false);
        }

        var header = request.Http.Request.Headers.Authorization.ToString();
        return (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null, false);
    }

    /// <summary>Resolves a stream to its group, checking scopes and list ownership as Mastodon does: (group, frame names) or (status, error).</summary>
    internal static async Task<(string? Group, IReadOnlyList<string>? Frame, int Status, string? Error)> ResolveAsync(
        string? stream, string? tag, string? list, string accountId, IReadOnlyList<string> scopes, ListService lists, CancellationToken cancellationToken)
    {
        var (group, error) = StreamNames.Resolve(stream, accountId, tag, list);
        if (group is null)
        {
            return (null, null, StatusCodes.Status400BadRequest, error);
        }

        if (!Scopes.Covers(scopes, StreamNames.RequiredScope(stream!)))
        {
            return (null, null, StatusCodes.Status401Unauthorized, "Access token does not have the required scopes");
        }

        if (stream == StreamNames.List)
        {
            try
            {
                await lists.GetAsync(accountId, list!.Trim(), cancellationToken);
            }
            catch (RecordNotFoundException)
            {
                return (null, null, StatusCodes.Status401Unauthorized, StreamNames.NotAuthorizedList);
            }
        }

        return (group, StreamNames.Frame(stream!, tag, list), StatusCodes.Status200OK, null);
    }
}
