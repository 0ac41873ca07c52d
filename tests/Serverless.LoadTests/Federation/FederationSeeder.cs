using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Json;
using Serverless.Core.Security;
using Serverless.Core.Storage;
using Serverless.Embedded;
using Serverless.Mastodon;

namespace Serverless.LoadTests.Federation;

/// <summary>
/// Builds a data directory for the inbox load test: one remote actor whose key the server already
/// knows, written through <see cref="AccountService.SaveRemoteAsync"/> (the account, its
/// <c>LookupKeys.Uri(actor)</c> and handle lookups) plus the <c>LookupKeys.Uri(keyId)</c> lookup the
/// resolver writes after a fetch: exactly what the server holds after it has fetched the actor once.
/// The actor's private key stays in the data directory for <see cref="InboxActivitySigner"/>.
/// </summary>
internal sealed class FederationSeeder(string dataDirectory, string domain, string remoteDomain, TextWriter output)
{
    public const string ManifestFile = "federation.json";
    public const string PrivateKeyFile = "remote-actor.pem";
    public const string RemoteUsername = "sender";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var manifestPath = Path.Combine(dataDirectory, ManifestFile);
        if (File.Exists(manifestPath))
        {
            output.WriteLine($"{manifestPath} exists: reusing the seeded data.");
            return 0;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            output.WriteLine($"{dataDirectory} is not empty and has no {ManifestFile}: choose an empty directory.");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(dataDirectory);
        var instance = new InstanceOptions { LocalDomain = domain, LocalHttps = false, DataDirectory = dataDirectory };
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddServerlessApplication(instance);
        services.AddEmbeddedAdapters(instance, runQueuePump: false);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var (publicKey, privateKey) = RsaKeys.Generate();
        var actor = $"https://{remoteDomain}/users/{RemoteUsername}";
        var keyId = actor + "#main-key";
        var now = DateTimeOffset.UtcNow;
        var fetched = new AccountRecord
        {
            Id = "",
            Username = RemoteUsername,
            Domain = remoteDomain,
            DisplayName = "Remote Sender",
            Note = "<p>A remote actor for the inbox load test.</p>",
            CreatedAt = now,
            Uri = actor,
            Url = $"https://{remoteDomain}/@{RemoteUsername}",
            InboxUrl = actor + "/inbox",
            SharedInboxUrl = $"https://{remoteDomain}/inbox",
            FollowersUrl = actor + "/followers",
            OutboxUrl = actor + "/outbox",
            PublicKeyPem = publicKey,
            PublicKeyId = keyId,
            LastFetchedAt = now,
        };
        var accounts = provider.GetRequiredService<AccountService>();
        var saved = await accounts.SaveRemoteAsync(fetched, cancellationToken);
        var store = provider.GetRequiredService<IDocumentStore>();
        var key = LookupKeys.Uri(keyId);
        await store.UpsertAsync(Containers.Lookups, key, key, new LookupRecord(key, saved.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);

        // The server must find the key exactly as the inbox asks for it.
        var check = await accounts.FindByUriAsync(actor, cancellationToken);
        if (check?.PublicKeyPem != publicKey)
        {
            output.WriteLine("The seeded remote actor cannot be found by its URI.");
            return 1;
        }

        await File.WriteAllTextAsync(Path.Combine(dataDirectory, PrivateKeyFile), privateKey, cancellationToken);
        var manifest = new FederationManifest
        {
            Domain = domain,
            RemoteDomain = remoteDomain,
            ActorUri = actor,
            KeyId = keyId,
            AccountId = saved.Id,
            SeededAt = now,
        };
        // Written last: its presence means the directory is complete.
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(manifest, FederationLoadJsonContext.Default.FederationManifest), cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {dataDirectory}: remote actor {actor} (account {saved.Id}, key {keyId}) in {clock.Elapsed.TotalSeconds:0.0} s."));
        return 0;
    }

    public static async Task<FederationManifest> ReadManifestAsync(string dataDirectory, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(dataDirectory, ManifestFile), cancellationToken), FederationLoadJsonContext.Default.FederationManifest)
            ?? throw new InvalidOperationException("Empty federation manifest.");
}

/// <summary>What <see cref="FederationSeeder"/> built (<c>federation.json</c> in the data directory).</summary>
internal sealed record FederationManifest
{
    public required string Domain { get; init; }

    public required string RemoteDomain { get; init; }

    public required string ActorUri { get; init; }

    public required string KeyId { get; init; }

    public required string AccountId { get; init; }

    public DateTimeOffset SeededAt { get; init; }
}

/// <summary>What the inbox has taken in: received-activity records, and the ingest queue (which only grows while the workers are off).</summary>
internal sealed record IngestCount(long Received, long Ready, long NotVisible, long DeadLettered);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FederationManifest))]
[JsonSerializable(typeof(IngestCount))]
internal sealed partial class FederationLoadJsonContext : JsonSerializerContext;
