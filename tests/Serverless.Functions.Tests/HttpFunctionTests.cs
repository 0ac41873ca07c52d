using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Http;
using Serverless.Mastodon.Http;

namespace Serverless.Functions.Tests;

/// <summary>
/// Calls the HTTP function classes directly, on the Functions app's own service registrations
/// (embedded adapters in a temporary data directory, queue pump off).
/// </summary>
public sealed class HttpFunctionTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "functions-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public HttpFunctionTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LOCAL_DOMAIN"] = "functions.test",
            ["DATA_DIR"] = _dataDirectory,
            // A configured Service Bus turns the embedded queue pump off.
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "example.servicebus.windows.net",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        FunctionsServices.Add(collection, configuration);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    [Fact]
    public void The_queue_pump_is_off_when_service_bus_is_configured()
    {
        Assert.Empty(_services.GetServices<IHostedService>());
    }

    [Fact]
    public async Task Api_function_serves_the_instance_as_the_dispatcher_does()
    {
        var dispatcher = _services.GetRequiredService<Dispatcher>();

        var viaFunction = NewContext("GET", "/api/v1/instance");
        var result = await new ApiFunction(dispatcher).Run(viaFunction.Request);
        Assert.IsType<EmptyResult>(result);

        var direct = NewContext("GET", "/api/v1/instance");
        await dispatcher.DispatchAsync(direct);

        Assert.Equal(direct.Response.StatusCode, viaFunction.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, viaFunction.Response.StatusCode);
        Assert.StartsWith("application/json", viaFunction.Response.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(Body(viaFunction));
        Assert.Equal(JsonValueKind.Object, body.RootElement.ValueKind);
        Assert.Equal("functions.test", body.RootElement.GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Every_http_function_hands_the_request_to_the_dispatcher()
    {
        var dispatcher = _services.GetRequiredService<Dispatcher>();
        var functions = new (Func<HttpRequest, Task<IActionResult>> Run, string Path)[]
        {
            (new ApiFunction(dispatcher).Run, "/api/v1/instance"),
            (new OAuthFunction(dispatcher).Run, "/oauth/token"),
            (new WellKnownFunction(dispatcher).Run, "/.well-known/nodeinfo"),
            (new NodeInfoFunction(dispatcher).Run, "/nodeinfo/2.0"),
            (new UsersFunction(dispatcher).Run, "/users/nobody"),
            (new InboxFunction(dispatcher).Run, "/inbox"),
            (new ActorFunction(dispatcher).Run, "/actor"),
            (new SystemFunction(dispatcher).Run, "/system/media_attachments/none.png"),
            (new ProfileFunction(dispatcher).Run, "/@nobody"),
        };

        foreach (var (run, path) in functions)
        {
            var viaFunction = NewContext("GET", path);
            Assert.IsType<EmptyResult>(await run(viaFunction.Request));
            var direct = NewContext("GET", path);
            await dispatcher.DispatchAsync(direct);
            Assert.True(direct.Response.StatusCode == viaFunction.Response.StatusCode, $"{path}: {viaFunction.Response.StatusCode} != {direct.Response.StatusCode}");
            Assert.Equal(direct.Response.ContentType, viaFunction.Response.ContentType);
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file briefly; the temp folder is cleaned up by the OS.
        }
    }

    private DefaultHttpContext NewContext(string method, string path)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("functions.test");
        context.Request.Path = path;
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context)
    {
        var stream = (MemoryStream)context.Response.Body;
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
