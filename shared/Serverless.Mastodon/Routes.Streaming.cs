using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Streaming;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon;

/// <summary>
/// <c>/api/v1/streaming</c> (the WebSocket where streaming runs in process, and its health check),
/// and the webhook of a hosted streaming service (Web PubSub's <c>connect</c> and <c>message</c>
/// events). The registered <see cref="IStreamingEventHandler"/> answers the whole request; where
/// streaming runs in process none is registered and the path is not found. The abuse-protection
/// OPTIONS never reaches a route (the dispatcher answers every OPTIONS for CORS), so the Functions
/// app's streaming function hands requests to the handler directly.
/// </summary>
public static partial class Routes
{
    public const string StreamingEventsTemplate = "/_streaming/{event}";

    static partial void MapStreaming(RouteTable table) => table
        .PostRaw(StreamingEventsTemplate, StreamingEvents)
        .Get(Streaming.StreamingEndpoints.Path + "/health", Streaming.StreamingEndpoints.Health)
        .Get(Streaming.StreamingEndpoints.Path, Streaming.StreamingEndpoints.Connect);

    private static Task StreamingEvents(ApiRequest request) =>
        request.Http.RequestServices.GetService<IStreamingEventHandler>() is { } handler
            ? handler.HandleAsync(request.Http)
            : throw ApiException.NotFound();
}
