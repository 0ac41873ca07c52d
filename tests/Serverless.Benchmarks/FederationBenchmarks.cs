using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Delivery;
using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Json;
using Serverless.ActivityPub.Outbox;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Queues;
using Serverless.Core.Storage;
using Serverless.Embedded;
using Serverless.Embedded.Queues;
using Serverless.Mastodon;

namespace Serverless.Benchmarks;

/// <summary>
/// Delivery (issue 4): the <c>deliver</c> queue handler signing and POSTing one stored activity to
/// a loopback inbox, against the raw RSA-2048 signing it cannot avoid, measured in the same run.
/// The target: deliveries per second at least 40% of raw signatures per second.
/// </summary>
/// <remarks>
/// Setup, once per benchmark case: a fresh data directory on the embedded adapters (SQLite
/// documents behind the read cache, SQLite queue, no pump), one account registered through
/// <see cref="AccountService.RegisterAsync"/> (its RSA-2048 key pair is the signer's), one
/// <see cref="OutboundActivityRecord"/> of about 1 KB, and a sink: a minimal Kestrel server on
/// 127.0.0.1 that reads each request's body and answers 202. The setup delivers once and checks
/// that the sink received a POST whose signature verifies with the account's public key and that
/// nothing was queued for a retry, so the measured path is the successful one.
/// </remarks>
[MemoryDiagnoser]
public class FederationBenchmarks : IDisposable
{
    /// <summary>Operations per worker in the two-worker cases.</summary>
    public const int PerWorker = 8;

    /// <summary>Workers in the parallel cases: the machine's two cores.</summary>
    public const int Workers = 2;

    private const string Domain = "bench.example";
    private const string ActivityKey = "out:benchmark";

    private string? _dataDirectory;
    private ServiceProvider? _services;
    private WebApplication? _sink;
    private DeliverHandler _deliver = null!;
    private SqliteWorkQueue _queue = null!;
    private QueueMessage _message = null!;
    private RSA[] _keys = [];
    private byte[] _body = [];
    private string _privateKeyPem = "";
    private string _publicKeyPem = "";
    private string _keyId = "";
    private Uri _inbox = null!;
    private long _received;
    private SignedRequest? _captured;
    private bool _capture;
    private bool _disposed;

    /// <summary>The activity's size in bytes (reported in the summary).</summary>
    public int BodyBytes => _body.Length;

    /// <summary>POSTs the sink received: each delivery is one.</summary>
    public long Received => Interlocked.Read(ref _received);

    [GlobalSetup]
    public async Task GlobalSetupAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "serverless-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        await StartSinkAsync();

        var options = new InstanceOptions
        {
            LocalDomain = Domain,
            LocalHttps = true,
            DataDirectory = _dataDirectory,

            // The sink is on loopback, which the outbound client refuses otherwise.
            AllowPrivateAddresses = true,
        };
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessApplication(options);
        services.AddEmbeddedAdapters(options, runQueuePump: false);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _queue = _services.GetRequiredService<SqliteWorkQueue>();
        _deliver = _services.GetServices<IQueueHandler>().OfType<DeliverHandler>().Single();

        var registration = new AccountService.Registration("bench", "bench@bench.example", "correct horse battery staple", AgreedToTerms: true, SkipApproval: true);
        var (account, user) = await _services.GetRequiredService<AccountService>().RegisterAsync(registration, CancellationToken.None);
        _privateKeyPem = user.PrivateKeyPem;
        _publicKeyPem = account.PublicKeyPem ?? throw new InvalidOperationException("Registration made no key pair.");
        _keyId = _services.GetRequiredService<LocalUrls>().MainKey(account.Username);

        _body = Activity(account);
        var now = DateTimeOffset.UtcNow;
        var record = new OutboundActivityRecord
        {
            Id = ActivityKey,
            ActivityId = account.Uri + "/statuses/1/activity",
            SignerAccountId = account.Id,
            Json = Encoding.UTF8.GetString(_body),
            CreatedAt = now,
            ExpiresAt = now.AddDays(8),
        };
        await _services.GetRequiredService<IDocumentStore>().CreateAsync(Containers.Activities, ActivityKey, ActivityKey, record, FederationJsonContext.Default.OutboundActivityRecord, CancellationToken.None);
        var deliver = new DeliverMessage(ActivityKey, _inbox.ToString());
        _message = new QueueMessage("benchmark", QueueNames.Deliver, JsonSerializer.Serialize(deliver, FederationJsonContext.Default.DeliverMessage), 1);

        // One RSA instance per worker: an instance is not for two threads at once.
        _keys = Enumerable.Range(0, Workers).Select(_ =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(_privateKeyPem);
            return rsa;
        }).ToArray();

        await VerifyAsync();
    }

    [GlobalCleanup]
    public void GlobalCleanup() => Dispose();

    /// <summary>(a) The baseline: one RSA-2048 PKCS#1 v1.5 SHA-256 signature of the activity's bytes, key already imported.</summary>
    [Benchmark(Baseline = true, Description = "RawRsaSign (baseline)")]
    public byte[] RawRsaSign() => _keys[0].SignData(_body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>(b) What signing a delivery costs: HttpSignatureSigner.Sign on a POST with the body (digest, signing string, pooled key from the PEM, headers).</summary>
    [Benchmark]
    public string HttpSignatureSign()
    {
        using var request = NewRequest();
        HttpSignatureSigner.Sign(request, _body, _keyId, _privateKeyPem, DateTimeOffset.UtcNow);
        return request.Headers.GetValues("Signature").First();
    }

    /// <summary>(c) The deliver handler end to end: read the message, domain health, the activity and the signer (read cache), sign, POST to the sink, record success.</summary>
    [Benchmark]
    public Task Deliver() => _deliver.HandleAsync(_message, CancellationToken.None);

    /// <summary>(a) with two workers at once, each with its own key instance.</summary>
    [Benchmark(OperationsPerInvoke = Workers * PerWorker)]
    public Task RawRsaSignParallel() => Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() =>
    {
        for (var i = 0; i < PerWorker; i++)
        {
            _keys[w].SignData(_body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    })));

    /// <summary>(c) with two workers at once, as the queue pump runs deliveries.</summary>
    [Benchmark(OperationsPerInvoke = Workers * PerWorker)]
    public Task DeliverParallel() => Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < PerWorker; i++)
        {
            await _deliver.HandleAsync(_message, CancellationToken.None);
        }
    })));

    /// <summary>
    /// Raw signing and delivery measured in alternating blocks (<paramref name="block"/> operations
    /// each, <paramref name="rounds"/> times, after three warm-up rounds that are not kept),
    /// single-threaded and with two workers, outside BenchmarkDotNet. Neighbouring blocks see the
    /// same machine load, so the per-round share is steady even when other work comes and goes
    /// between BenchmarkDotNet's cases.
    /// </summary>
    public static async Task<InterleavedResult> InterleavedAsync(int rounds, int block)
    {
        using var bench = new FederationBenchmarks();
        await bench.GlobalSetupAsync();
        var single = await PairsAsync(rounds, block, () => { bench.RawRsaSign(); return Task.CompletedTask; }, bench.Deliver, 1);
        var parallel = await PairsAsync(rounds, Math.Max(1, block / (Workers * PerWorker)), bench.RawRsaSignParallel, bench.DeliverParallel, Workers * PerWorker);
        return new InterleavedResult(rounds, block, single, parallel);
    }

    private static async Task<IReadOnlyList<InterleavedRound>> PairsAsync(int rounds, int block, Func<Task> sign, Func<Task> deliver, int operationsPerCall)
    {
        const int WarmUpRounds = 3;
        var results = new List<InterleavedRound>(rounds);
        for (var round = -WarmUpRounds; round < rounds; round++)
        {
            var (signWall, signCpu) = await TimeAsync(sign, block);
            var (deliverWall, deliverCpu) = await TimeAsync(deliver, block);
            var operations = (double)block * operationsPerCall;
            if (round >= 0)
            {
                results.Add(new InterleavedRound(signWall / operations, deliverWall / operations, signCpu / operations, deliverCpu / operations));
            }
        }

        return results;
    }

    /// <summary>Wall-clock and process CPU nanoseconds for <paramref name="count"/> calls.</summary>
    private static async Task<(double Wall, double Cpu)> TimeAsync(Func<Task> action, int count)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await action();
        }

        var wall = clock.Elapsed;
        process.Refresh();
        return (wall.TotalNanoseconds, (process.TotalProcessorTime - cpu).TotalNanoseconds);
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

        foreach (var key in _keys)
        {
            key.Dispose();
        }

        _services?.Dispose();
        if (_sink is not null)
        {
            _sink.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_sink).Dispose();
        }

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

    private HttpRequestMessage NewRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _inbox) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ActivityStreams.ContentType);
        return request;
    }

    /// <summary>The remote inbox: reads the body and answers 202, as a real inbox does before its own work.</summary>
    private async Task StartSinkAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        _sink = builder.Build();
        _sink.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (_capture)
            {
                _captured = SignedRequest.FromHttpRequest(context.Request, body.ToArray());
            }

            Interlocked.Increment(ref _received);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
        await _sink.StartAsync();
        var address = _sink.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The sink has no address.");
        _inbox = new Uri(address.TrimEnd('/') + "/inbox");
    }

    /// <summary>Once, before measuring: a delivery reaches the sink, signed so that it verifies with the account's key, and is not retried.</summary>
    private async Task VerifyAsync()
    {
        _capture = true;
        var before = Received;
        await Deliver();
        _capture = false;
        if (Received != before + 1 || _captured is not { } request)
        {
            throw new InvalidOperationException($"The sink received {Received - before} requests for one delivery.");
        }

        var verification = await HttpSignatureVerifier.Default.VerifyAsync(request, (_, _, _) => Task.FromResult<string?>(_publicKeyPem), DateTimeOffset.UtcNow, CancellationToken.None);
        if (!verification.Verified || verification.KeyId != _keyId || !request.Body.Span.SequenceEqual(_body))
        {
            throw new InvalidOperationException($"The delivery did not verify: {verification.Failure}");
        }

        var retries = await _queue.GetCountsAsync(QueueNames.Deliver, CancellationToken.None);
        if (retries.Ready + retries.NotVisible != 0)
        {
            throw new InvalidOperationException("The delivery was queued for a retry: the sink's 202 was not taken as success.");
        }

        var parallelBefore = Received;
        await DeliverParallel();
        if (Received != parallelBefore + (Workers * PerWorker))
        {
            throw new InvalidOperationException("The parallel deliveries did not all reach the sink.");
        }

        _ = HttpSignatureSign();
        _ = RawRsaSign();
        await RawRsaSignParallel();
    }

    /// <summary>A Create of a public Note of about 1 KB, as the outbox renders one.</summary>
    private static byte[] Activity(AccountRecord account)
    {
        var note = account.Uri + "/statuses/1";
        var published = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("@context", "https://www.w3.org/ns/activitystreams");
            json.WriteString("id", note + "/activity");
            json.WriteString("type", "Create");
            json.WriteString("actor", account.Uri);
            json.WriteString("published", published);
            json.WriteStartArray("to");
            json.WriteStringValue("https://www.w3.org/ns/activitystreams#Public");
            json.WriteEndArray();
            json.WriteStartArray("cc");
            json.WriteStringValue(account.Uri + "/followers");
            json.WriteEndArray();
            json.WriteStartObject("object");
            json.WriteString("id", note);
            json.WriteString("type", "Note");
            json.WriteString("attributedTo", account.Uri);
            json.WriteString("published", published);
            json.WriteString("url", account.Url + "/1");
            json.WriteString("content", "<p>A delivery benchmark: this note is signed and posted to a loopback inbox as a Create activity, as the deliver queue handler does for every remote follower's shared inbox. A few sentences make it about the size of an ordinary post, with a link https://example.com/articles/1 and a #hashtag.</p>");
            json.WriteStartArray("to");
            json.WriteStringValue("https://www.w3.org/ns/activitystreams#Public");
            json.WriteEndArray();
            json.WriteStartArray("cc");
            json.WriteStringValue(account.Uri + "/followers");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

/// <summary>One round of <see cref="FederationBenchmarks.InterleavedAsync"/>: nanoseconds per operation, wall clock and process CPU (all threads, the sink's included).</summary>
public sealed record InterleavedRound(double SignWallNs, double DeliverWallNs, double SignCpuNs, double DeliverCpuNs)
{
    /// <summary>Deliveries per second over signatures per second, by wall clock.</summary>
    public double WallShare => SignWallNs / DeliverWallNs;

    /// <summary>The same by CPU time: what a delivery costs the machine against what a signature does.</summary>
    public double CpuShare => DeliverCpuNs > 0 ? SignCpuNs / DeliverCpuNs : double.NaN;
}

/// <summary>The interleaved measurement: single-threaded and two-worker rounds.</summary>
public sealed record InterleavedResult(int Rounds, int Block, IReadOnlyList<InterleavedRound> Single, IReadOnlyList<InterleavedRound> Parallel);

