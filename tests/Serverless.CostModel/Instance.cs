using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Azure.Cosmos;
using Serverless.Core.Queues;
using Serverless.Embedded.Queues;
using Serverless.Standalone;

namespace Serverless.CostModel;

/// <summary>
/// A standalone host in this process on a free loopback port, talked to over HTTP as a client
/// would. The measured instance runs on the Cosmos adapter (<see cref="Charges"/> counts its
/// requests); a peer for federation runs on the embedded store.
/// </summary>
public sealed class Instance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Instance(WebApplication app, int port, string dataDirectory)
    {
        _app = app;
        Port = port;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The Cosmos DB request counts (null on an embedded instance).</summary>
    public CosmosRequestCharges? Charges => _app.Services.GetService<CosmosRequestCharges>();

    public string Domain => $"127.0.0.1:{Port}";

    /// <summary>Starts a host on the Cosmos and Blob adapters against the local servers, in a database of its own.</summary>
    public static Task<Instance> StartOnCosmosAsync(LocalServer cosmos, LocalServer azurite, string database, CancellationToken cancellationToken) =>
        StartAsync(new Dictionary<string, string?>
        {
            ["STORAGE_ADAPTERS"] = "azure",
            ["Cosmos:accountEndpoint"] = cosmos.Endpoint.AbsoluteUri,
            ["Cosmos:key"] = LocalServer.CosmosKey,
            ["Cosmos:database"] = database,
            ["MediaStorage"] = azurite.AzuriteConnectionString,
            ["MEDIA_CONTAINER"] = "c" + Guid.NewGuid().ToString("N")[..20],
        }, cancellationToken);

    /// <summary>Starts a host on the embedded adapters (a federation peer).</summary>
    public static Task<Instance> StartEmbeddedAsync(CancellationToken cancellationToken) =>
        StartAsync(new Dictionary<string, string?>(), cancellationToken);

    private static async Task<Instance> StartAsync(Dictionary<string, string?> extra, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var dataDirectory = Directory.CreateTempSubdirectory("serverless-cost-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["BIND"] = "127.0.0.1",
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["LOCAL_DOMAIN"] = $"127.0.0.1:{port}",
            ["LOCAL_HTTPS"] = "false",
            ["DATA_DIR"] = dataDirectory,
            // Federation over loopback, as the federation tests run it.
            ["ALLOW_PRIVATE_ADDRESSES"] = "true",
            ["DELIVERY_FIRST_RETRY_SECONDS"] = "1",
            // Retried races between queue handlers are expected; only failures are news here.
            ["Logging:LogLevel:Default"] = "Error",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var app = StandaloneHost.Build([], config => config.AddInMemoryCollection(settings));
        await app.StartAsync(cancellationToken);
        return new Instance(app, port, dataDirectory);
    }

    /// <summary>Registers an app, gets an app token and signs up; the client carries the user's token.</summary>
    public async Task<User> SignUpAsync(string username, CancellationToken cancellationToken)
    {
        var token = await AppTokenAsync(cancellationToken);
        return await RegisterAsync(token, username, cancellationToken);
    }

    /// <summary>An app's client-credentials token, which may create accounts.</summary>
    public async Task<string> AppTokenAsync(CancellationToken cancellationToken)
    {
        const string Scopes = "read write follow push";
        var app = await PostAsync(Client, "/api/v1/apps", new JsonObject { ["client_name"] = "cost model", ["redirect_uris"] = "urn:ietf:wg:oauth:2.0:oob", ["scopes"] = Scopes }, cancellationToken);
        var token = await PostAsync(Client, "/oauth/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app["client_id"]!.GetValue<string>(),
            ["client_secret"] = app["client_secret"]!.GetValue<string>(),
            ["scope"] = Scopes,
        }, cancellationToken);
        return token["access_token"]!.GetValue<string>();
    }

    /// <summary>POST /api/v1/accounts with an app token, then verify_credentials.</summary>
    public async Task<User> RegisterAsync(string appToken, string username, CancellationToken cancellationToken)
    {
        using var asApp = Authorized(appToken);
        var created = await PostAsync(asApp, "/api/v1/accounts", new JsonObject
        {
            ["username"] = username,
            ["email"] = $"{username}@example.com",
            ["password"] = "a long enough password",
            ["agreement"] = true,
        }, cancellationToken);
        var client = Authorized(created["access_token"]!.GetValue<string>());
        var account = await GetAsync<JsonObject>(client, "/api/v1/accounts/verify_credentials", cancellationToken);
        return new User(username, account["id"]!.GetValue<string>(), client);
    }

    public HttpClient Authorized(string token)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Waits until the queue has nothing ready or running and no Cosmos request has been made for
    /// <paramref name="quiet"/>: the work a call queued (fan-out, notifications, deliveries) is done.
    /// </summary>
    public async Task WaitForQueuesAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        var queue = _app.Services.GetRequiredService<IWorkQueue>() as SqliteWorkQueue
            ?? throw new InvalidOperationException("The cost model runs on the embedded queue.");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var lastRequests = -1L;
        var quietSince = DateTime.UtcNow;
        while (true)
        {
            var pending = await queue.ListPendingAsync(null, 100, cancellationToken);
            var busy = pending.Any(m => m.Locked || m.VisibleAt <= DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));
            var requests = Charges?.Snapshot().Requests ?? 0;
            if (busy || requests != lastRequests)
            {
                lastRequests = requests;
                quietSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - quietSince >= quiet)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The queues of {Domain} did not drain in 60 s ({pending.Count} pending).");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
        return await ReadAsync(response, "POST", path, cancellationToken);
    }

    public static async Task<T> GetAsync<T>(HttpClient client, string path, CancellationToken cancellationToken)
        where T : JsonNode
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return (T)JsonNode.Parse(text)!;
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string method, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is removed with the temp folder later.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A signed-up local user: its account id and a client with its token.</summary>
public sealed record User(string Username, string Id, HttpClient Client);
