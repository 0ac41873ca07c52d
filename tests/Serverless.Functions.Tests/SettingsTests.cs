using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Functions.Tests;

/// <summary>
/// local.settings.sample.json documents every setting the Functions app reads, and nothing else.
/// What is read is observed, not listed by hand: the app's services are built on a configuration
/// that records every key asked for (embedded and Azure, identity and connection strings), and
/// the code is searched for literal <c>configuration["…"]</c> reads that startup may not reach.
/// </summary>
public sealed partial class SettingsTests : IDisposable
{
    /// <summary>Settings the Functions host itself reads (the app never does), kept in the sample for local runs.</summary>
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage",
        "AzureWebJobsDisableHomepage",
    };

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "functions-settings-" + Guid.NewGuid().ToString("N"));

    private static Dictionary<string, string?> SampleValues()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "local.settings.sample.json")))!;
        return sample["Values"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Environment names (<c>A__b</c>) as configuration keys (<c>A:b</c>), and back.</summary>
    private static string ToKey(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    private static string ToName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The configurations the app starts with: the sample as it is, and Azure with identities or with local connection strings.</summary>
    private IEnumerable<Dictionary<string, string?>> Scenarios()
    {
        var sample = SampleValues().ToDictionary(p => ToKey(p.Key), p => p.Value, StringComparer.OrdinalIgnoreCase);
        sample["DATA_DIR"] = _dataDirectory;
        yield return sample;

        yield return new Dictionary<string, string?>(sample, StringComparer.OrdinalIgnoreCase)
        {
            ["STORAGE_ADAPTERS"] = "azure",
            ["Cosmos:accountEndpoint"] = "https://social.documents.azure.com:443/",
            ["MediaStorage:blobServiceUri"] = "https://social.blob.core.windows.net",
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "social.servicebus.windows.net",
            ["WebPubSub:endpoint"] = "https://social.webpubsub.azure.com",
            ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-000000000001",
        };

        yield return new Dictionary<string, string?>(sample, StringComparer.OrdinalIgnoreCase)
        {
            ["STORAGE_ADAPTERS"] = "azure",
            ["Cosmos:accountEndpoint"] = "http://127.0.0.1:8081/",
            ["Cosmos:key"] = "a2V5",
            ["MediaStorage"] = "UseDevelopmentStorage=true",
            ["ServiceBusConnection"] = "Endpoint=sb://social.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5",
            ["WebPubSub:endpoint"] = "http://127.0.0.1:8080",
            ["WebPubSub:accessKey"] = "a2V5",
        };
    }

    private static HashSet<string> ReadAtStartup(Dictionary<string, string?> values)
    {
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var configuration = new ConfigurationBuilder().Add(new RecordingSource(values, read)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // Every adapter's options are read while registering; reads made later are literal ones the code search finds.
        FunctionsServices.Add(services, configuration);
        return read;
    }

    /// <summary>Literal reads in the code the Functions app runs (the standalone host's own settings are its business).</summary>
    private static HashSet<string> ReadInCode()
    {
        var roots = new[] { Path.Combine(Paths.RepositoryRoot, "shared"), Path.Combine(Paths.RepositoryRoot, "functions", "Serverless.Functions") };
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in roots.SelectMany(r => Directory.EnumerateFiles(r, "*.cs", SearchOption.AllDirectories)))
        {
            var relative = Path.GetRelativePath(Paths.RepositoryRoot, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in LiteralRead().Matches(File.ReadAllText(file)))
            {
                names.Add(match.Groups[1].Value);
            }
        }

        return names;
    }

    [GeneratedRegex("""[Cc]onfiguration\[\s*"([^"]+)"\s*\]""")]
    private static partial Regex LiteralRead();

    [Fact]
    public void Every_setting_the_app_reads_is_in_the_sample()
    {
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var scenario in Scenarios())
        {
            read.UnionWith(ReadAtStartup(scenario));
        }

        // The recorder must see the reads we know of, or this test proves nothing.
        Assert.Contains("LOCAL_DOMAIN", read);
        Assert.Contains("STORAGE_ADAPTERS", read);
        Assert.Contains("MediaStorage:blobServiceUri", read);
        Assert.Contains("Cosmos:accountEndpoint", read);
        Assert.Contains("ServiceBusConnection:fullyQualifiedNamespace", read);
        Assert.Contains("WebPubSub:endpoint", read);

        read.UnionWith(ReadInCode());
        read.Remove("PORT"); // only when LOCAL_DOMAIN is unset; the Functions host has its own port

        var sample = SampleValues().Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = read.Select(ToName).Where(name => !sample.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Add to local.settings.sample.json (and the README): " + string.Join(", ", missing));
    }

    [Fact]
    public void The_sample_holds_nothing_the_app_or_the_host_does_not_read()
    {
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var scenario in Scenarios())
        {
            read.UnionWith(ReadAtStartup(scenario).Select(ToName));
        }

        read.UnionWith(ReadInCode().Select(ToName));
        var unread = SampleValues().Keys.Where(name => !read.Contains(name) && !HostSettings.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unread.Count == 0, "Read by nothing: " + string.Join(", ", unread));
    }

    [Fact]
    public void The_sample_runs_locally_on_the_embedded_adapters_with_identity_based_names_only()
    {
        var sample = SampleValues();
        Assert.Equal("embedded", sample["STORAGE_ADAPTERS"]);
        // No secret, key or connection string is filled in; Azure names are the identity-based ones.
        Assert.All(sample.Where(p => p.Key.EndsWith("key", StringComparison.OrdinalIgnoreCase) || p.Key is "MediaStorage" or "ServiceBusConnection"), p => Assert.Equal("", p.Value));
        Assert.Contains("Cosmos__accountEndpoint", sample.Keys);
        Assert.Contains("MediaStorage__blobServiceUri", sample.Keys);
        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", sample.Keys);
        Assert.Contains("WebPubSub__endpoint", sample.Keys);
        Assert.Contains("AZURE_CLIENT_ID", sample.Keys);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingSource(Dictionary<string, string?> values, HashSet<string> read) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(values, read);
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        private readonly HashSet<string> _read;

        public RecordingProvider(Dictionary<string, string?> values, HashSet<string> read)
        {
            _read = read;
            foreach (var (key, value) in values)
            {
                Data[key] = value;
            }
        }

        public override bool TryGet(string key, out string? value)
        {
            lock (_read)
            {
                _read.Add(key);
            }

            return base.TryGet(key, out value);
        }
    }
}
