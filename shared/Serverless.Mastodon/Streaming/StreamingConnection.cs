using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Core.Lists;
using Serverless.Core.Streaming;

namespace Serverless.Mastodon.Streaming;

/// <summary>
/// One client's WebSocket: its subscription to the in-process hub, the streams it asked for (each
/// group remembers the stream name and tag or list id the client used, which Mastodon echoes in
/// the frame's <c>stream</c> array and masto.js matches on), a reader of subscribe and unsubscribe
/// frames, and a writer of events that pass the viewer's filters. Sends are serialised: error
/// frames come from the reader, events from the writer.
/// </summary>
public sealed partial class StreamingConnection(
    WebSocket socket,
    IStreamSubscription subscription,
    StreamViewer viewer,
    IReadOnlyList<string> scopes,
    ListService lists,
    ILogger<StreamingConnection> logger) : IDisposable
{
    /// <summary>The largest client frame read; subscribe frames are a few dozen bytes.</summary>
    private const int MaxClientFrame = 16 * 1024;

    private readonly Dictionary<string, (string Stream, IReadOnlyList<string> Frame)> _streams = new(StringComparer.Ordinal);
    private readonly Lock _streamsGate = new();
    private readonly SemaphoreSlim _send = new(1, 1);

    /// <summary>Reads client frames until the client closes, while events are written alongside.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteEventsAsync(stop.Token);
        try
        {
            await ReadFramesAsync(stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                // Closing.
            }
        }

        if (socket.State is WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    /// <summary>Joins a stream, or answers with Mastodon's error frame (unknown stream, missing tag, someone else's list, missing scope).</summary>
    public async Task SubscribeAsync(string? stream, string? tag, string? list, CancellationToken cancellationToken)
    {
        var (group, frame, status, error) = await StreamingEndpoints.ResolveAsync(stream, tag, list, viewer.Account.Id, scopes, lists, cancellationToken);
        if (group is null)
        {
            await SendErrorAsync(error!, status, cancellationToken);
            return;
        }

        lock (_streamsGate)
        {
            _streams[group] = (stream!, frame!);
        }

        subscription.Add(group);
    }

    private void Unsubscribe(string? stream, string? tag, string? list)
    {
        var (group, _) = StreamNames.Resolve(stream, viewer.Account.Id, tag, list);
        if (group is null)
        {
            return;
        }

        subscription.Remove(group);
        lock (_streamsGate)
        {
            _streams.Remove(group);
        }
    }

    private async Task ReadFramesAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxClientFrame);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    if (length == MaxClientFrame)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, null, cancellationToken);
                        return;
                    }

                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, MaxClientFrame - length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await HandleFrameAsync(buffer.AsMemory(0, length), cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Mastodon ignores frames it cannot parse and message types it does not know.</summary>
    private async Task HandleFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        string? type, stream, tag, list;
        try
        {
            using var json = JsonDocument.Parse(frame);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            type = Text(json.RootElement, "type");
            stream = Text(json.RootElement, "stream");
            tag = Text(json.RootElement, "tag");
            list = Text(json.RootElement, "list");
        }
        catch (JsonException)
        {
            return;
        }

        if (type == "subscribe")
        {
            await SubscribeAsync(stream, tag, list, cancellationToken);
        }
        else if (type == "unsubscribe")
        {
            Unsubscribe(stream, tag, list);
        }
    }

    private async Task WriteEventsAsync(CancellationToken cancellationToken)
    {
        await foreach (var streamEvent in subscription.Reader.ReadAllAsync(cancellationToken))
        {
            (string Stream, IReadOnlyList<string> Frame) target;
            lock (_streamsGate)
            {
                if (!_streams.TryGetValue(streamEvent.Group, out target))
                {
                    // Unsubscribed after the event was queued.
                    continue;
                }
            }

            if (streamEvent.Event == StreamEvents.FiltersChanged)
            {
                viewer.Invalidate();
            }

            string? payload;
            try
            {
                payload = await viewer.PrepareAsync(streamEvent, target.Stream, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // When in doubt, send nothing: a missed event costs less than one the viewer must not see.
                LogFilterFailed(logger, ex, streamEvent.Event);
                continue;
            }

            if (payload is not null)
            {
                await SendAsync(Frame(target.Frame, streamEvent.Event, payload), cancellationToken);
            }
        }
    }

    private Task SendErrorAsync(string error, int status, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteNumber("status", status);
            writer.WriteEndObject();
        }

        return SendAsync(buffer.ToArray(), cancellationToken);
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            _send.Release();
        }
    }

    public void Dispose() => _send.Dispose();

    /// <summary>Mastodon's frame: <c>{"stream":[…],"event":"…","payload":"…"}</c>, the payload a string (absent when empty, as for <c>filters_changed</c>).</summary>
    public static byte[] Frame(IReadOnlyList<string> stream, string @event, string payload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("stream");
            foreach (var name in stream)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteString("event", @event);
            if (!string.IsNullOrEmpty(payload))
            {
                writer.WriteString("payload", payload);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not filter a streamed {Event}; not sent")]
    private static partial void LogFilterFailed(ILogger logger, Exception exception, string @event);
}
