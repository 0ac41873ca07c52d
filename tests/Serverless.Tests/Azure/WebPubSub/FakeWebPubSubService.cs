using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>One request the fake received: the raw target as sent (escapes kept), so a JWT audience can be compared with it.</summary>
public sealed record FakeWebPubSubRequest(string Method, string RawTarget, string Url, string? Authorization, string? ContentType, string Body);

/// <summary>
/// A stand-in for the Web PubSub data-plane REST API on 127.0.0.1: it records every request and
/// answers as the service does (202 for sends, 200 for group membership), or with
/// <see cref="FailWith"/> when a test sets it. Connections a test opens (<see cref="Connect"/>)
/// join and leave groups through the REST calls, and get what sends to their group or user
/// deliver, after the send's OData <c>filter</c> (<see cref="FakeODataFilter"/>) is evaluated
/// for each of them, as the service does.
/// </summary>
public sealed class FakeWebPubSubService : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeWebPubSubRequest> _requests = new();
    private readonly Dictionary<string, FakeConnection> _connections = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private WebApplication? _app;

    /// <summary>One client connection: its user (the connect answer's userId), groups, and the messages delivered to it.</summary>
    public sealed class FakeConnection(string id, string userId)
    {
        public string Id { get; } = id;

        public string UserId { get; } = userId;

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public List<string> Received { get; } = [];
    }

    /// <summary>A client connected as <paramref name="userId"/> in <paramref name="groups"/> (the connect answer's groups).</summary>
    public FakeConnection Connect(string connectionId, string userId, params string[] groups)
    {
        var connection = new FakeConnection(connectionId, userId);
        connection.Groups.UnionWith(groups);
        lock (_gate)
        {
            _connections[connectionId] = connection;
        }

        return connection;
    }

    /// <summary>What a connection received so far.</summary>
    public IReadOnlyList<string> ReceivedBy(FakeConnection connection)
    {
        lock (_gate)
        {
            return [.. connection.Received];
        }
    }

    public Uri Endpoint { get; private set; } = null!;

    public int? FailWith { get; set; }

    public IReadOnlyList<FakeWebPubSubRequest> Requests => [.. _requests];

    public static async Task<FakeWebPubSubService> StartAsync()
    {
        var fake = new FakeWebPubSubService();
        (fake._app, var address) = await LoopbackApp.StartAsync(fake.HandleAsync);
        fake.Endpoint = new Uri(address + "/");
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _requests.Enqueue(new FakeWebPubSubRequest(
            context.Request.Method,
            rawTarget,
            Endpoint.AbsoluteUri.TrimEnd('/') + rawTarget,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType,
            body));
        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("""{"code":"Failed"}""");
            return;
        }

        try
        {
            Apply(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query["filter"].ToString(), body);
        }
        catch (FormatException ex)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(ex.Message);
            return;
        }

        context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
    }

    /// <summary>Group membership and deliveries, for the paths under <c>/api/hubs/{hub}</c> that streaming uses.</summary>
    private void Apply(string method, string path, string filter, string body)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length < 4 || parts[0] != "api" || parts[1] != "hubs")
        {
            return;
        }

        lock (_gate)
        {
            switch (parts[3..])
            {
                case ["groups", var group, "connections", var id] when _connections.TryGetValue(id, out var connection):
                    if (method == "PUT")
                    {
                        connection.Groups.Add(group);
                    }
                    else if (method == "DELETE")
                    {
                        connection.Groups.Remove(group);
                    }

                    break;
                case ["groups", var group, ":send"]:
                    Deliver(c => c.Groups.Contains(group), filter, body);
                    break;
                case ["users", var user, ":send"]:
                    Deliver(c => c.UserId == user, filter, body);
                    break;
            }
        }
    }

    private void Deliver(Func<FakeConnection, bool> addressed, string filter, string body)
    {
        foreach (var connection in _connections.Values.Where(addressed))
        {
            if (filter.Length == 0 || FakeODataFilter.Evaluate(filter, connection.UserId, connection.Id, connection.Groups))
            {
                connection.Received.Add(body);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
