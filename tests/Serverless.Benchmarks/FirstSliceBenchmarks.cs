using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Fanout;
using Serverless.Core.Json;
using Serverless.Core.OAuth;
using Serverless.Core.Queues;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Embedded;
using Serverless.Embedded.Queues;
using Serverless.Mastodon;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Benchmarks;

/// <summary>
/// The first slice on the embedded store: post a status (and run the fanout it enqueues), then
/// read a page of the home timeline, measured against a bare SQLite point read in the same run.
/// </summary>
/// <remarks>
/// Every benchmark case gets its own <see cref="GlobalSetupAsync"/>: a fresh data directory with
/// one account and <see cref="SeededStatuses"/> statuses already fanned out to its home timeline.
/// The queue pump is off; <see cref="PostAndFanout"/> receives and handles the fanout message
/// itself, so that the work measured is the same on every invocation.
/// </remarks>
[MemoryDiagnoser]
public class FirstSliceBenchmarks : IDisposable
{
    /// <summary>Statuses posted before measuring: more than a page, so every page read is full.</summary>
    public const int SeededStatuses = 120;

    /// <summary>Mastodon's largest home timeline page.</summary>
    public const int PageSize = 40;

    private const string Domain = "bench.example";
    private const string HomePath = "/api/v1/timelines/home";

    private static readonly TimeSpan FanoutLease = TimeSpan.FromMinutes(5);

    private readonly MemoryStream _body = new(capacity: 256 * 1024);
    private string? _dataDirectory;
    private ServiceProvider? _services;
    private Serverless.Embedded.Sqlite.SqliteDocumentStore _store = null!;
    private SqliteWorkQueue _queue = null!;
    private QueueHandlers _handlers = null!;
    private StatusService _statuses = null!;
    private TimelineService _timelines = null!;
    private EntityMapper _mapper = null!;
    private Dispatcher _dispatcher = null!;
    private AccountRecord _author = null!;
    private UserRecord _user = null!;
    private string _homeTimeline = "";
    private string _pointReadId = "";
    private string _authorization = "";
    private int _posted;
    private bool _disposed;

    [GlobalSetup]
    public async Task GlobalSetupAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "serverless-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        var options = new InstanceOptions
        {
            LocalDomain = Domain,
            LocalHttps = true,
            DataDirectory = _dataDirectory,

            // One token makes every request: Mastodon's 300 per 5 minutes would answer 429.
            RateLimitRequests = 0,
        };

        var services = new ServiceCollection();
        // No logging providers: a log line per request would be measured too.
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessApplication(options);
        services.AddEmbeddedAdapters(options, runQueuePump: false);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        // The baseline reads SQLite itself, beneath the read cache the application uses.
        _store = _services.GetRequiredService<Serverless.Embedded.Sqlite.SqliteDocumentStore>();
        _queue = _services.GetService<SqliteWorkQueue>()
            ?? _services.GetRequiredService<IWorkQueue>() as SqliteWorkQueue
            ?? throw new InvalidOperationException("The embedded adapters did not register a SqliteWorkQueue.");
        _handlers = _services.GetRequiredService<QueueHandlers>();
        _statuses = _services.GetRequiredService<StatusService>();
        _timelines = _services.GetRequiredService<TimelineService>();
        _mapper = _services.GetRequiredService<EntityMapper>();
        _dispatcher = _services.GetRequiredService<Dispatcher>();

        var registration = new AccountService.Registration("bench", "bench@bench.example", "correct horse battery staple", AgreedToTerms: true, SkipApproval: true);
        (_author, _user) = await _services.GetRequiredService<AccountService>().RegisterAsync(registration, CancellationToken.None);
        _homeTimeline = TimelineKeys.Home(_author.Id);

        var oauth = _services.GetRequiredService<OAuthService>();
        var app = await oauth.CreateApplicationAsync("Benchmarks", OAuthService.OutOfBand, "read write", null, CancellationToken.None);
        var (token, _) = await oauth.IssueTokenAsync(app, _author.Id, [Scopes.Read, Scopes.Write], CancellationToken.None);
        _authorization = "Bearer " + token;

        // Seed through the same path that is measured, and check that each post enqueued exactly
        // the fanout message of that status.
        for (var i = 0; i < SeededStatuses; i++)
        {
            var status = await _statuses.CreateAsync(_author, _user, NextStatus(), CancellationToken.None);
            var lease = await _queue.ReceiveAsync(QueueNames.Fanout, FanoutLease, CancellationToken.None)
                ?? throw new InvalidOperationException("Posting a status enqueued no fanout message.");
            var message = JsonSerializer.Deserialize(lease.Message.Body, StoreJsonContext.Default.FanoutMessage);
            if (message is null || message.StatusId != status.Id || message.Event != FanoutEvents.Create)
            {
                throw new InvalidOperationException($"Unexpected fanout message: {lease.Message.Body}");
            }

            await _handlers.HandleAsync(lease.Message, CancellationToken.None);
            await _queue.CompleteAsync(lease, CancellationToken.None);
            await DrainFollowUpsAsync();
            if (i == SeededStatuses / 2)
            {
                _pointReadId = status.Id;
            }
        }

        await VerifyAsync();
    }

    [GlobalCleanup]
    public void GlobalCleanup() => Dispose();

    /// <summary>The baseline: one point read of one status document from SQLite (no cache), deserialised.</summary>
    [Benchmark(Baseline = true, Description = "PointRead (baseline)")]
    public async Task<StatusRecord?> PointRead()
    {
        var doc = await _store.ReadAsync(Containers.Statuses, _pointReadId, _pointReadId, StoreJsonContext.Default.StatusRecord, CancellationToken.None);
        return doc?.Value;
    }

    /// <summary>POST /api/v1/statuses minus HTTP, then the fanout worker's share: receive, handle, complete.</summary>
    [Benchmark]
    public async Task<string> PostAndFanout()
    {
        var status = await _statuses.CreateAsync(_author, _user, NextStatus(), CancellationToken.None);
        var lease = await _queue.ReceiveAsync(QueueNames.Fanout, FanoutLease, CancellationToken.None)
            ?? throw new InvalidOperationException("Posting a status enqueued no fanout message.");
        await _handlers.HandleAsync(lease.Message, CancellationToken.None);
        if (!await _queue.CompleteAsync(lease, CancellationToken.None))
        {
            throw new InvalidOperationException("The fanout message could not be completed.");
        }

        await DrainFollowUpsAsync();
        return status.Id;
    }

    /// <summary>Handles what fan-out enqueued in turn (a hashtag's followers), so that every post costs the same.</summary>
    private async Task DrainFollowUpsAsync()
    {
        while (await _queue.ReceiveAsync(QueueNames.Fanout, FanoutLease, CancellationToken.None) is { } followUp)
        {
            await _handlers.HandleAsync(followUp.Message, CancellationToken.None);
            await _queue.CompleteAsync(followUp, CancellationToken.None);
        }
    }

    /// <summary>What GET /api/v1/timelines/home does without HTTP: read a page, map it, serialise it.</summary>
    [Benchmark]
    public async Task<long> HomeTimelinePage()
    {
        var page = await _timelines.ReadAsync(_homeTimeline, new PageRequest(null, null, null, PageSize), _author, static _ => true, CancellationToken.None);
        var entities = new List<Status>(page.Count);
        foreach (var view in page)
        {
            entities.Add(_mapper.ToStatus(view));
        }

        _body.Position = 0;
        _body.SetLength(0);
        await JsonSerializer.SerializeAsync(_body, entities, MastodonJsonContext.Default.ListStatus, CancellationToken.None);
        return _body.Length;
    }

    /// <summary>The whole HTTP surface without the socket: routing, bearer auth, the endpoint, the response body.</summary>
    [Benchmark]
    public async Task<long> HomeTimelineViaDispatcher()
    {
        var context = NewHomeRequest();
        await _dispatcher.DispatchAsync(context);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"GET {HomePath} answered {context.Response.StatusCode}.");
        }

        return _body.Length;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!disposing)
        {
            return;
        }

        _services?.Dispose();
        _body.Dispose();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open somewhere: leave the temporary directory behind.
            }
        }
    }

    private StatusService.NewStatus NextStatus()
    {
        var n = ++_posted;
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Post {n} of the benchmark run: a few sentences of ordinary text, about as long as a typical status, with a link https://example.com/articles/{n} and a #hashtag.");
        return new StatusService.NewStatus(text, Visibility.Public, Sensitive: false, SpoilerText: null, Language: "en", InReplyToId: null, IdempotencyKey: null, ApplicationName: "Benchmarks", ApplicationWebsite: null);
    }

    private DefaultHttpContext NewHomeRequest()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = "https";
        request.Host = new HostString(Domain);
        request.Path = HomePath;
        request.QueryString = new QueryString("?limit=" + PageSize.ToString(CultureInfo.InvariantCulture));
        request.Headers.Authorization = _authorization;
        _body.Position = 0;
        _body.SetLength(0);
        context.Response.Body = _body;
        return context;
    }

    /// <summary>Checks once, before measuring, that the page benchmarks return full pages of the right statuses.</summary>
    private async Task VerifyAsync()
    {
        await HomeTimelinePage();
        var direct = CountAndFirstId();
        await HomeTimelineViaDispatcher();
        var viaHttp = CountAndFirstId();
        if (direct.Count != PageSize || viaHttp.Count != PageSize || direct.FirstId != viaHttp.FirstId)
        {
            throw new InvalidOperationException(
                $"Expected two full pages of {PageSize} with the same newest status; got {direct.Count} ({direct.FirstId}) and {viaHttp.Count} ({viaHttp.FirstId}).");
        }

        var point = await PointRead();
        if (point?.Id != _pointReadId)
        {
            throw new InvalidOperationException("The baseline point read found nothing.");
        }
    }

    private (int Count, string? FirstId) CountAndFirstId()
    {
        using var json = JsonDocument.Parse(_body.ToArray());
        var array = json.RootElement;
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException("A timeline page is not a JSON array: " + array.GetRawText());
        }

        return (array.GetArrayLength(), array.GetArrayLength() > 0 ? array[0].GetProperty("id").GetString() : null);
    }
}
