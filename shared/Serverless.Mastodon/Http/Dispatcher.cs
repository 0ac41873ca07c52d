using Microsoft.AspNetCore.Http;

namespace Serverless.Mastodon.Http;

/// <summary>
/// The one HTTP surface: both hosts hand every request to <see cref="DispatchAsync"/>, so that
/// routing, auth, CORS, errors and pagination behave the same on Azure Functions and on Kestrel.
/// </summary>
public sealed class Dispatcher(IServiceProvider services)
{
    public IServiceProvider Services { get; } = services;

    public Task DispatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices ??= Services;
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
