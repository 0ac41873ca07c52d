using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Tests.Azure.WebPubSub;

/// <summary>One request the fake received: the raw target as sent (escapes kept), so a JWT audience can be compared with it.</summary>
public sealed record FakeWebPubSubRequest(string Method, string RawTarget, string Url, string? Authorization, string? ContentType, string Body);

/// <summary>
/// A stand-in for the Web PubSub data-plane REST API on 127.0.0.1: it records every request and
/// answers as the service does (202 for sends, 200 for group membership), or with
/// <see cref="FailWith"/> when a test sets it.
/// </summary>
public sealed class FakeWebPubSubService : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeWebPubSubRequest> _requests = new();
    private WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public int? FailWith { get; set; }

    public IReadOnlyList<FakeWebPubSubRequest> Requests => [.. _requests];

    public static async Task<FakeWebPubSubService> StartAsync()
    {
        var fake = new FakeWebPubSubService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        fake._app = builder.Build();
        fake._app.Run(fake.HandleAsync);
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri(address.TrimEnd('/') + "/");
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

        context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
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
