using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Configuration;
using Serverless.Core.Storage;
using Serverless.Embedded;
using Serverless.Mastodon;
using Serverless.Mastodon.Http;

namespace Serverless.Tests.Http;

/// <summary>How the dispatcher answers failures of the layers below it, as a client sees them.</summary>
public sealed class DispatcherErrorsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "serverless-dispatcher-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_throttled_store_is_a_503_with_retry_after()
    {
        var options = new InstanceOptions { LocalDomain = "example.test", DataDirectory = _dataDirectory };
        await using var provider = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddServerlessApplication(options)
            .AddEmbeddedAdapters(options, runQueuePump: false)
            .BuildServiceProvider();
        var routes = new RouteTable()
            .Get("/api/v1/busy", _ => throw new DocumentStoreThrottledException("statuses", "read", TimeSpan.FromMilliseconds(1500)));
        var dispatcher = ActivatorUtilities.CreateInstance<Dispatcher>(provider, routes);

        var context = new DefaultHttpContext { RequestServices = provider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/busy";
        context.Response.Body = new MemoryStream();
        await dispatcher.DispatchAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var body = JsonNode.Parse(context.Response.Body)!.AsObject();
        Assert.Equal("The server is busy; try again shortly", body["error"]!.GetValue<string>());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temp folder is cleaned eventually.
        }
    }
}
