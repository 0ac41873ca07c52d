using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Follows;
using Serverless.Core.Instance;
using Serverless.Core.Json;
using Serverless.Core.OAuth;
using Serverless.Core.Queues;
using Serverless.Core.Security;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;
using Serverless.Core.Timelines;
using Serverless.Embedded;
using Serverless.Embedded.Queues;
using Serverless.Mastodon;

namespace Serverless.LoadTests;

/// <summary>
/// Builds a data directory for the standalone host through the application's own services: a
/// reader following <c>followed</c> authors, <c>statuses</c> statuses spread over those authors and
/// fanned out by the real fanout handler, a popular author whom every author follows (for the
/// fan-out latency check), and tokens.
/// </summary>
/// <remarks>
/// Accounts are written as documents (lookups, user, account, search terms) rather than through
/// <see cref="AccountService.RegisterAsync"/>: registration derives a PBKDF2 hash (600,000
/// iterations) and an RSA-2048 key per account, minutes of CPU for a thousand accounts. Every
/// seeded account shares one password hash and one key pair. Follows, statuses, fan-out and
/// tokens go through the services.
/// </remarks>
internal sealed class Seeder(SeedOptions options, TextWriter output)
{
    public const string ManifestFile = "loadtest.json";
    public const string ReaderTokenFile = "token.txt";
    public const string AuthorTokenFile = "author-token.txt";
    public const string SharedPassword = "loadtest-password";
    public const string ReaderUsername = "reader";
    public const string PopularUsername = "popular";

    /// <summary>Followers of the popular author who also get a token, to check the fan-out through the API.</summary>
    public const int SampleFollowerTokens = 10;

    private static readonly TimeSpan FanoutLease = TimeSpan.FromMinutes(5);

    private static readonly string[] Applications = ["Elk", "Tusky", "Ivory", "Phanpy", "Web"];

    private static readonly string[] FirstNames =
    [
        "Ada", "Bram", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
        "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tala", "Uma", "Viktor", "Wen", "Yara", "Zoe",
    ];

    private static readonly string[] LastNames =
    [
        "Andersen", "Baker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jansen",
        "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber",
    ];

    private readonly Dictionary<string, double> _phases = new(StringComparer.Ordinal);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var manifestPath = Path.Combine(dataDirectory, ManifestFile);
        if (File.Exists(manifestPath) && !options.Force)
        {
            output.WriteLine($"{manifestPath} exists: reusing the seeded data (pass --force to seed again).");
            return 0;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            if (!options.Force)
            {
                output.WriteLine($"{dataDirectory} is not empty and has no {ManifestFile}: pass --force to wipe it, or choose an empty directory.");
                return 2;
            }

            Directory.Delete(dataDirectory, recursive: true);
        }

        Directory.CreateDirectory(dataDirectory);
        var total = Stopwatch.StartNew();
        var instance = new InstanceOptions { LocalDomain = options.Domain, LocalHttps = false, DataDirectory = dataDirectory };
        var clock = new SeedClock();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessApplication(instance);
        services.AddEmbeddedAdapters(instance, runQueuePump: false);
        // Last registration wins: every service reads the seeder's clock.
        services.AddSingleton<TimeProvider>(clock);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var now = DateTimeOffset.UtcNow;
        var historyStart = now - options.History;

        // 1. Accounts, dated a day before the first status.
        var phase = Stopwatch.StartNew();
        var (publicKey, privateKey) = RsaKeys.Generate();
        var passwordHash = PasswordHasher.Hash(SharedPassword);
        SeedClock.Current = historyStart - TimeSpan.FromDays(1);
        var reader = await CreateAccountAsync(provider, ReaderUsername, "Rita Reader", publicKey, privateKey, passwordHash, cancellationToken);
        var popular = await CreateAccountAsync(provider, PopularUsername, "Pia Popular", publicKey, privateKey, passwordHash, cancellationToken);
        var authors = new List<(AccountRecord Account, UserRecord User)>(options.Followed);
        for (var i = 0; i < options.Followed; i++)
        {
            var username = string.Create(CultureInfo.InvariantCulture, $"author{i + 1:D4}");
            var displayName = $"{FirstNames[i % FirstNames.Length]} {LastNames[i / FirstNames.Length % LastNames.Length]}";
            authors.Add(await CreateAccountAsync(provider, username, displayName, publicKey, privateKey, passwordHash, cancellationToken));
        }

        await provider.GetRequiredService<InstanceStats>().AddAsync(users: authors.Count + 2, statuses: 0, cancellationToken);
        Done("accounts", phase, $"{authors.Count + 2} accounts");

        // 2. Follows through FollowService: the reader follows every author; every author follows the popular account.
        phase.Restart();
        SeedClock.Current = historyStart - TimeSpan.FromHours(12);
        var follows = provider.GetRequiredService<FollowService>();
        var noOptions = new FollowService.FollowOptions();
        await ParallelAsync(authors.Count, async i =>
        {
            SeedClock.Current = historyStart - TimeSpan.FromHours(12);
            await follows.FollowAsync(reader.Account, authors[i].Account.Id, noOptions, cancellationToken);
            await follows.FollowAsync(authors[i].Account, popular.Account.Id, noOptions, cancellationToken);
        });
        Done("follows", phase, $"{authors.Count * 2} follows");

        // 3. Statuses, each fanned out by the fanout handler as the queue pump would.
        phase.Restart();
        var statusService = provider.GetRequiredService<StatusService>();
        var queue = provider.GetRequiredService<SqliteWorkQueue>();
        var handlers = provider.GetRequiredService<QueueHandlers>();
        var step = options.Statuses > 0 ? (options.History - TimeSpan.FromHours(1)) / options.Statuses : TimeSpan.Zero;
        var recent = new string?[256];
        var next = -1;
        var created = 0;
        var workers = Enumerable.Range(0, options.Parallel).Select(w => Task.Run(async () =>
        {
            var text = new SampleText(1000 + w);
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= options.Statuses)
                {
                    break;
                }

                SeedClock.Current = historyStart + (step * i);
                var (author, user) = authors[i % authors.Count];
                var mention = text.Next(20) == 0 ? authors[text.Next(authors.Count)].Account.Username : null;
                var replyTo = text.Next(20) == 0 ? Volatile.Read(ref recent[text.Next(recent.Length)]) : null;
                var visibility = text.Next(10) == 0 ? Visibility.Unlisted : Visibility.Public;
                var request = new StatusService.NewStatus(
                    text.Next(i, mention), visibility, Sensitive: false, SpoilerText: null, Language: "en", InReplyToId: replyTo,
                    IdempotencyKey: null, ApplicationName: Applications[i % Applications.Length], ApplicationWebsite: null);
                var status = await statusService.CreateAsync(author, user, request, cancellationToken);
                Volatile.Write(ref recent[i % recent.Length], status.Id);
                await DrainFanoutAsync(queue, handlers, cancellationToken);
                var done = Interlocked.Increment(ref created);
                if (done % 10_000 == 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done} statuses ({done / phase.Elapsed.TotalSeconds:0}/s)"));
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers);
        SeedClock.Current = null;
        await DrainFanoutAsync(queue, handlers, cancellationToken);
        Done("statuses", phase, string.Create(CultureInfo.InvariantCulture, $"{created} statuses, {created / Math.Max(phase.Elapsed.TotalSeconds, 0.001):0}/s"));

        // 4. Tokens, at real time.
        phase.Restart();
        var oauth = provider.GetRequiredService<OAuthService>();
        var app = await oauth.CreateApplicationAsync("Load tests", OAuthService.OutOfBand, "read write follow push", null, cancellationToken);
        var (readerToken, _) = await oauth.IssueTokenAsync(app, reader.Account.Id, [Scopes.Read, Scopes.Write, Scopes.Follow], cancellationToken);
        var (authorToken, _) = await oauth.IssueTokenAsync(app, popular.Account.Id, [Scopes.Read, Scopes.Write], cancellationToken);
        var sample = new List<SampleFollower>();
        for (var i = 0; i < Math.Min(SampleFollowerTokens, authors.Count); i++)
        {
            var follower = authors[i * authors.Count / Math.Min(SampleFollowerTokens, authors.Count)].Account;
            var (token, _) = await oauth.IssueTokenAsync(app, follower.Id, [Scopes.Read], cancellationToken);
            sample.Add(new SampleFollower(follower.Id, follower.Username, token));
        }

        Done("tokens", phase, $"{2 + sample.Count} tokens");

        // 5. What fan-out left behind, counted from the store.
        phase.Restart();
        var store = provider.GetRequiredService<IDocumentStore>();
        var home = await CountAsync(store, TimelineKeys.Home(reader.Account.Id), cancellationToken);
        var publicCount = await CountAsync(store, TimelineKeys.Public, cancellationToken);
        var localCount = await CountAsync(store, TimelineKeys.Local, cancellationToken);
        var followerEdges = await CountAsync(store, Containers.Follows, FollowRecord.FollowersPartition(popular.Account.Id), StoreJsonContext.Default.FollowRecord, cancellationToken);
        var pending = await queue.GetCountsAsync(null, cancellationToken);
        Done("count", phase, $"home {home}, public {publicCount}, local {localCount}, popular's followers {followerEdges}, queued {pending.Pending}, dead-lettered {pending.DeadLettered}");
        if (home < created || followerEdges != authors.Count)
        {
            output.WriteLine($"Seeding is incomplete: the reader's home timeline has {home} of {created} statuses, the popular account {followerEdges} of {authors.Count} followers.");
            return 1;
        }

        var manifest = new SeedManifest
        {
            Domain = options.Domain,
            Statuses = created,
            Followed = authors.Count,
            ReaderId = reader.Account.Id,
            ReaderUsername = ReaderUsername,
            PopularId = popular.Account.Id,
            PopularUsername = PopularUsername,
            AuthorUsernames = authors.Select(a => a.Account.Username).ToList(),
            FollowerIds = authors.Select(a => a.Account.Id).ToList(),
            SampleFollowers = sample,
            HomeEntries = home,
            PublicEntries = publicCount,
            LocalEntries = localCount,
            SeedSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
            Parallel = options.Parallel,
            SeededAt = now,
            HistoryDays = options.History.TotalDays,
            PhaseSeconds = _phases,
            Method = "Accounts written as AccountRecord/UserRecord/LookupRecord documents with one shared PBKDF2 password hash and one shared RSA-2048 key pair "
                + "(registration would derive one of each per account); follows through FollowService; statuses through StatusService.CreateAsync, "
                + "each fanned out by the fanout queue handler (received from the SQLite work queue and handled in-process); tokens through OAuthService.IssueTokenAsync.",
        };
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, ReaderTokenFile), readerToken + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, AuthorTokenFile), authorToken + "\n", cancellationToken);
        // Written last: its presence means the directory is complete.
        await File.WriteAllTextAsync(manifestPath, System.Text.Json.JsonSerializer.Serialize(manifest, LoadTestJsonContext.Default.SeedManifest), cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {dataDirectory} in {total.Elapsed.TotalSeconds:0.0} s."));
        return 0;
    }

    private void Done(string name, Stopwatch phase, string what)
    {
        _phases[name] = Math.Round(phase.Elapsed.TotalSeconds, 2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {what} in {phase.Elapsed.TotalSeconds:0.0} s"));
    }

    private async Task ParallelAsync(int count, Func<int, Task> body)
    {
        var next = -1;
        var workers = Enumerable.Range(0, options.Parallel).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await body(i);
            }
        })).ToList();
        await Task.WhenAll(workers);
    }

    /// <summary>What registration writes for a local account, without deriving a hash and a key each time.</summary>
    private static async Task<(AccountRecord Account, UserRecord User)> CreateAccountAsync(
        IServiceProvider provider, string username, string displayName, string publicKey, string privateKey, string passwordHash, CancellationToken cancellationToken)
    {
        var store = provider.GetRequiredService<IDocumentStore>();
        var ids = provider.GetRequiredService<Serverless.Core.Ids.SnowflakeIds>();
        var urls = provider.GetRequiredService<LocalUrls>();
        var time = provider.GetRequiredService<TimeProvider>();
        var accounts = provider.GetRequiredService<AccountService>();
        var options = provider.GetRequiredService<InstanceOptions>();
        var id = ids.NextString();
        var now = time.GetUtcNow();
        var email = $"{username}@{options.LocalDomain}";

        foreach (var key in new[] { AccountService.UsernameKey(username), AccountService.EmailKey(email) })
        {
            await store.CreateAsync(Containers.Lookups, key, key, new LookupRecord(key, id), StoreJsonContext.Default.LookupRecord, cancellationToken);
        }

        var user = new UserRecord
        {
            AccountId = id,
            Email = email,
            PasswordHash = passwordHash,
            PrivateKeyPem = privateKey,
            CreatedAt = now,
        };
        await store.CreateAsync(Containers.Users, id, id, user, StoreJsonContext.Default.UserRecord, cancellationToken);
        var account = new AccountRecord
        {
            Id = id,
            Username = username,
            DisplayName = displayName,
            Note = "<p>Seeded for the load tests.</p>",
            NoteSource = "Seeded for the load tests.",
            CreatedAt = now,
            Uri = urls.Actor(username),
            Url = urls.Profile(username),
            InboxUrl = urls.Inbox(username),
            SharedInboxUrl = urls.SharedInbox,
            PublicKeyPem = publicKey,
        };
        await store.CreateAsync(Containers.Accounts, id, id, account, StoreJsonContext.Default.AccountRecord, cancellationToken);
        await accounts.IndexHandlesAsync(account, null, cancellationToken);
        return (account, user);
    }

    private static async Task DrainFanoutAsync(SqliteWorkQueue queue, QueueHandlers handlers, CancellationToken cancellationToken)
    {
        while (await queue.ReceiveAsync(QueueNames.Fanout, FanoutLease, cancellationToken) is { } lease)
        {
            await handlers.HandleAsync(lease.Message, cancellationToken);
            await queue.CompleteAsync(lease, cancellationToken);
        }
    }

    private static Task<long> CountAsync(IDocumentStore store, string timeline, CancellationToken cancellationToken) =>
        CountAsync(store, Containers.Timelines, timeline, StoreJsonContext.Default.TimelineEntry, cancellationToken);

    /// <summary>Counts a partition a page at a time (the port has no count).</summary>
    private static async Task<long> CountAsync<T>(IDocumentStore store, string container, string partition, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        long count = 0;
        string? continuation = null;
        do
        {
            var page = await store.QueryAsync(container, new DocumentQuery(partition) { Limit = 1000, Continuation = continuation }, type, cancellationToken);
            count += page.Items.Count;
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return count;
    }
}

internal sealed record SeedOptions
{
    public required string DataDirectory { get; init; }

    public int Statuses { get; init; } = 100_000;

    public int Followed { get; init; } = 1000;

    public string Domain { get; init; } = "loadtest.test";

    /// <summary>Seeding workers: writes take turns in SQLite, but text formatting and JSON run alongside.</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>The seeded statuses are dated evenly over this span before now.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromDays(30);

    public bool Force { get; init; }
}
