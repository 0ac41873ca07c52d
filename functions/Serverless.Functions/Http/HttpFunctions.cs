using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Streaming;
using Serverless.Mastodon.Http;

namespace Serverless.Functions.Http;

// One function per top-level prefix (see HttpRoutes). Every class takes the same singleton
// Dispatcher, so the classes can also be called directly in tests.

/// <summary>What every HTTP function does: hand the request to the dispatcher.</summary>
public static class HttpFunction
{
    /// <summary>
    /// With the ASP.NET Core integration the request's HttpContext is the worker's real one, so the
    /// dispatcher writes the response straight to it. The function then returns an
    /// <see cref="EmptyResult"/>: the worker's proxying middleware executes an IActionResult
    /// result (a no-op here), and the SDK gives an IActionResult-returning function the usual
    /// <c>$return</c> http output binding, the shape every HTTP function in the samples has
    /// (a function returning a bare Task gets no output binding in its metadata at all).
    /// </summary>
    public static async Task<IActionResult> DispatchAsync(Dispatcher dispatcher, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(request);
        await dispatcher.DispatchAsync(request.HttpContext);
        return new EmptyResult();
    }
}

public sealed class ApiFunction(Dispatcher dispatcher)
{
    [Function("Api")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Api)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class OAuthFunction(Dispatcher dispatcher)
{
    [Function("OAuth")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.OAuth)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class WellKnownFunction(Dispatcher dispatcher)
{
    [Function("WellKnown")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.WellKnown)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class NodeInfoFunction(Dispatcher dispatcher)
{
    [Function("NodeInfo")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.NodeInfo)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class UsersFunction(Dispatcher dispatcher)
{
    [Function("Users")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Users)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class InboxFunction(Dispatcher dispatcher)
{
    [Function("Inbox")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Inbox)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class ActorFunction(Dispatcher dispatcher)
{
    [Function("Actor")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Actor)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class SystemFunction(Dispatcher dispatcher)
{
    [Function("System")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.System)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class ProfileFunction(Dispatcher dispatcher)
{
    [Function("Profile")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Profile)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class TagsFunction(Dispatcher dispatcher)
{
    [Function("Tags")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Tags)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class AboutFunction(Dispatcher dispatcher)
{
    [Function("About")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.About)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class ModerationFunction(Dispatcher dispatcher)
{
    [Function("Moderation")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Moderation)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class AuthorizeInteractionFunction(Dispatcher dispatcher)
{
    [Function("AuthorizeInteraction")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.AuthorizeInteraction)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class AvatarsFunction(Dispatcher dispatcher)
{
    [Function("Avatars")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Avatars)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

public sealed class HeadersFunction(Dispatcher dispatcher)
{
    [Function("Headers")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Headers)] HttpRequest request) =>
        HttpFunction.DispatchAsync(dispatcher, request);
}

/// <summary>
/// Web PubSub's events go straight to the registered handler, not through the dispatcher, which
/// answers every OPTIONS itself for CORS and so would never echo the abuse-protection
/// <c>WebHook-Allowed-Origin</c>. Without a handler (streaming in process) the dispatcher's 404 answers.
/// </summary>
public sealed class StreamingFunction(Dispatcher dispatcher, IServiceProvider services)
{
    [Function("Streaming")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "options", "head", Route = HttpRoutes.Streaming)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (services.GetService<IStreamingEventHandler>() is not { } handler)
        {
            return await HttpFunction.DispatchAsync(dispatcher, request);
        }

        await handler.HandleAsync(request.HttpContext);
        return new EmptyResult();
    }
}
