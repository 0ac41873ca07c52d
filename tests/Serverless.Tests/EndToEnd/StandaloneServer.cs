using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Standalone;

namespace Serverless.Tests.EndToEnd;

/// <summary>
/// The standalone host, started in this process on a free 127.0.0.1 port with its own data
/// directory, talked to over real HTTP. <see cref="RestartAsync"/> stops it and starts a new host
/// on the same data, as an operator's restart would.
/// </summary>
public sealed class StandaloneServer : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;

    private StandaloneServer(string dataDirectory, int port, IDictionary<string, string?>? extra)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _settings = new Dictionary<string, string?>
        {
            ["BIND"] = "127.0.0.1",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LOCAL_DOMAIN"] = $"127.0.0.1:{port}",
            ["LOCAL_HTTPS"] = "false",
            ["DATA_DIR"] = dataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    public static async Task<StandaloneServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var dir = dataDirectory ?? Directory.CreateTempSubdirectory("serverless-test-").FullName;
        var server = new StandaloneServer(dir, FreePort(), settings);
        await server.StartHostAsync();
        return server;
    }

    public async Task RestartAsync(IDictionary<string, string?>? changes = null)
    {
        await StopHostAsync();
        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        await StartHostAsync();
    }

    public async Task StopHostAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        Client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pool is removed with the temp folder later.
        }
    }

    /// <summary>Stores a remote account as federation does (lookups, handle and moderators' indexes) and returns its id.</summary>
    public async Task<string> SaveRemoteAccountAsync(string username, string domain)
    {
        var account = await Services.GetRequiredService<Serverless.Core.Accounts.AccountService>().SaveRemoteAsync(
            new Serverless.Core.Accounts.AccountRecord
            {
                Id = "",
                Username = username,
                Domain = domain,
                CreatedAt = DateTimeOffset.UtcNow,
                Uri = $"https://{domain}/users/{username}",
                Url = $"https://{domain}/@{username}",
                InboxUrl = $"https://{domain}/users/{username}/inbox",
            },
            CancellationToken.None);
        return account.Id;
    }

    /// <summary>Registers an app, gets an app token, signs up, and returns a client with the user's token.</summary>
    public async Task<(HttpClient Client, JsonObject Account)> SignUpAsync(string username, string scopes = "read write follow push")
    {
        var app = await PostJsonAsync(Client, "/api/v1/apps", new JsonObject { ["client_name"] = "tests", ["redirect_uris"] = "urn:ietf:wg:oauth:2.0:oob", ["scopes"] = scopes });
        var appToken = await PostJsonAsync(Client, "/oauth/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app["client_id"]!.GetValue<string>(),
            ["client_secret"] = app["client_secret"]!.GetValue<string>(),
            ["scope"] = scopes,
        });
        using var asApp = Authorized(appToken["access_token"]!.GetValue<string>());
        var userToken = await PostJsonAsync(asApp, "/api/v1/accounts", new JsonObject
        {
            ["username"] = username,
            ["email"] = $"{username}@example.com",
            ["password"] = "a long enough password",
            ["agreement"] = true,
        });
        var user = Authorized(userToken["access_token"]!.GetValue<string>());
        var account = (await user.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!;
        return (user, account);
    }

    public HttpClient Authorized(string token)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonObject> PostJsonAsync(HttpClient client, string path, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls until the condition holds, for work the queues do (bounded).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(50);
        }
    }

    private async Task StartHostAsync()
    {
        _app = StandaloneHost.Build([], config => config.AddInMemoryCollection(_settings));
        await _app.StartAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
