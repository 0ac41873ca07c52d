using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Streaming;

/// <summary>
/// A WebSocket client of <c>/api/v1/streaming</c> as real clients connect: every frame received is
/// kept in order, so a test can wait for the one it expects and check what came before it.
/// </summary>
public sealed class StreamClient : IAsyncDisposable
{
    /// <summary>A generous bound for an event to arrive (queue work included); never a timing assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private StreamClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>Frames received so far and not yet taken by <see cref="NextAsync"/>.</summary>
    public List<JsonObject> Seen { get; } = [];

    public static string TokenOf(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    /// <summary>Connects with the token as the subprotocol (masto.js) or in the query (megalodon).</summary>
    public static async Task<StreamClient> ConnectAsync(StandaloneServer server, string token, string query = "", bool tokenInQuery = false)
    {
        var socket = new ClientWebSocket();
        if (!tokenInQuery)
        {
            socket.Options.AddSubProtocol(token);
        }

        var separator = query.Length > 0 ? "&" : "";
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/api/v1/streaming?{query}{(tokenInQuery ? separator + "access_token=" + Uri.EscapeDataString(token) : "")}");
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new StreamClient(socket);
    }

    public Task SendAsync(JsonObject frame) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SubscribeAsync(string stream, string? tag = null, string? list = null) => SendAsync(Frame("subscribe", stream, tag, list));

    public Task UnsubscribeAsync(string stream, string? tag = null, string? list = null) => SendAsync(Frame("unsubscribe", stream, tag, list));

    /// <summary>Takes the first frame that matches, received already or waited for; the others stay in <see cref="Seen"/>.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var earlier = Seen.FindIndex(f => match(f));
        if (earlier >= 0)
        {
            var found = Seen[earlier];
            Seen.RemoveAt(earlier);
            return found;
        }

        using var cancel = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(cancel.Token);
                if (match(frame))
                {
                    return frame;
                }

                Seen.Add(frame);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching frame; received: {string.Join(" | ", Seen.Select(f => f.ToJsonString()))}");
        }
    }

    /// <summary>The next <c>update</c>-like event whose status content contains <paramref name="text"/>.</summary>
    public Task<JsonObject> NextStatusAsync(string @event, string text) =>
        NextAsync(f => f["event"]?.GetValue<string>() == @event && Payload(f)?["content"]?.GetValue<string>().Contains(text, StringComparison.Ordinal) == true);

    /// <summary>Everything received so far (waiting briefly for frames in flight).</summary>
    public async Task<List<JsonObject>> DrainAsync()
    {
        await Task.Delay(200);
        while (_frames.Reader.TryRead(out var frame))
        {
            Seen.Add(frame);
        }

        return Seen;
    }

    public static JsonObject? Payload(JsonObject frame) =>
        frame["payload"] is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null;

    public static string Stream(JsonObject frame) => string.Join(",", frame["stream"]!.AsArray().Select(s => s!.GetValue<string>()));

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server went first.
            }
        }

        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Closed.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private static JsonObject Frame(string type, string stream, string? tag, string? list)
    {
        var frame = new JsonObject { ["type"] = type, ["stream"] = stream };
        if (tag is not null)
        {
            frame["tag"] = tag;
        }

        if (list is not null)
        {
            frame["list"] = list;
        }

        return frame;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            var result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                _frames.Writer.TryWrite(JsonNode.Parse(message.ToArray())!.AsObject());
                message.SetLength(0);
            }
        }

        _frames.Writer.TryComplete();
    }
}
