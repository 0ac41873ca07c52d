using System.Text.Json.Nodes;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.Functions.Tests;

/// <summary>
/// Checks the compiled Azure template (infra/bin/main.json, written by <c>bash infra/bicep.sh</c>,
/// which CI runs before the tests) against the application: the queues, the containers, the
/// settings the Functions app reads in Azure, and keys being off everywhere. Reading the compiled
/// ARM JSON rather than the Bicep source checks what Azure would actually receive; compiling here
/// would cost every test run ~20 s of Bicep CLI for what bicep.sh already does once.
/// </summary>
public sealed class InfraTests
{
    private static readonly Lazy<JsonObject> Template = new(LoadTemplate);

    /// <summary>Where the code that reads settings lives.</summary>
    private static readonly string[] SourceRoots = ["shared", "functions"];

    private static readonly string[] InstanceSettings = ["LOCAL_DOMAIN", "LOCAL_HTTPS", "STREAMING_API_BASE_URL", "REGISTRATIONS_MODE", "ALLOW_PRIVATE_ADDRESSES", "AUTHORIZED_FETCH", "SITE_TITLE", "SITE_CONTACT_EMAIL"];

    [Fact]
    public void Every_queue_exists_with_its_settings_and_dead_lettering()
    {
        var serviceBus = Deployment("servicebus");
        var main = Template.Value;
        Assert.Equal(
            QueueNames.All.Order(StringComparer.Ordinal),
            main["variables"]!["queueNames"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Equal("[variables('queueNames')]", (string?)serviceBus["properties"]!["parameters"]!["queueNames"]!["value"]);

        var template = serviceBus["properties"]!["template"]!;
        var queue = Assert.Single(Resources(template), r => Type(r) == "Microsoft.ServiceBus/namespaces/queues");
        Assert.Equal("[length(parameters('queueNames'))]", (string?)queue["copy"]!["count"]);
        Assert.True((bool)queue["properties"]!["deadLetteringOnMessageExpiration"]!);

        // Each queue has its own lock, delivery count and time-to-live (no silent defaults).
        var settings = template["variables"]!["queueSettings"]!.AsObject();
        foreach (var name in QueueNames.All)
        {
            var entry = settings[name];
            Assert.True(entry is not null, $"servicebus.bicep queueSettings has no entry for queue '{name}'");
            var lockDuration = System.Xml.XmlConvert.ToTimeSpan((string)entry["lockDuration"]!);
            Assert.InRange(lockDuration, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
            Assert.InRange((int)entry["maxDeliveryCount"]!, 1, 20);
            Assert.True(System.Xml.XmlConvert.ToTimeSpan((string)entry["defaultMessageTimeToLive"]!) >= TimeSpan.FromHours(1));
        }
    }

    [Fact]
    public void Every_container_exists_partitioned_by_pk_with_an_indexing_policy()
    {
        var template = Deployment("cosmos")["properties"]!["template"]!;
        // loadJsonContent inlines the file as a variable of its own, which `layout` refers to.
        var variables = template["variables"]!;
        var layout = variables["layout"]!;
        if (layout is JsonValue reference && ((string?)reference)?.StartsWith("[variables('", StringComparison.Ordinal) == true)
        {
            layout = variables[((string)reference!)["[variables('".Length..^"')]".Length]]!;
        }

        var containers = layout["containers"]!.AsArray();
        Assert.Equal(
            Containers.All.Order(StringComparer.Ordinal),
            containers.Select(c => (string)c!["name"]!).Order(StringComparer.Ordinal));
        foreach (var container in containers)
        {
            Assert.Equal("/pk", (string?)container!["partitionKeyPath"]);
            Assert.NotNull(container["indexingPolicy"]?["indexingMode"]);
        }

        var resource = Assert.Single(Resources(template), r => Type(r) == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        Assert.Equal("[length(variables('layout').containers)]", (string?)resource["copy"]!["count"]);
        var spec = resource["properties"]!["resource"]!;
        Assert.Equal("[variables('layout').containers[copyIndex()].partitionKeyPath]", (string?)Assert.Single(spec["partitionKey"]!["paths"]!.AsArray()));
        Assert.Equal("[variables('layout').containers[copyIndex()].indexingPolicy]", (string?)spec["indexingPolicy"]);

        // The app's identity gets the built-in Data Contributor role on the data plane.
        var role = Assert.Single(Resources(template), r => Type(r) == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        Assert.Contains("sqlRoleDefinitions", (string?)role["properties"]!["roleDefinitionId"], StringComparison.Ordinal);
        Assert.Equal("00000000-0000-0000-0000-000000000002", (string?)template["variables"]!["dataContributorRoleId"]);
    }

    [Fact]
    public void The_function_app_gets_every_setting_the_app_reads_in_azure_and_no_secrets()
    {
        var settings = AppSettings();
        string[] required =
        [
            // AzureAdapters / FunctionsServices: the switch and what it then requires.
            "STORAGE_ADAPTERS", "Cosmos__accountEndpoint", "MediaStorage__blobServiceUri", "ServiceBusConnection__fullyQualifiedNamespace",
            "WebPubSub__endpoint",
            // The user-assigned identity every client signs in as (AzureCredentials).
            "AZURE_CLIENT_ID",
            // The Functions host: storage and telemetry through the identity.
            "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        ];
        foreach (var name in required)
        {
            Assert.True(settings.ContainsKey(name), $"infra sets no {name} on the Function App");
        }

        Assert.Equal("azure", (string?)settings["STORAGE_ADAPTERS"]);
        Assert.Equal("managedidentity", (string?)settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", (string?)settings["ServiceBusConnection__credential"]);
        Assert.Contains("Authorization=AAD", (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);

        // Every identity-based connection setting documented for a local run is set in Azure (the
        // sample's connection strings, keys and emulator switches are for local runs only).
        string[] identitySuffixes = ["__fullyQualifiedNamespace", "__accountEndpoint", "__blobServiceUri", "__queueServiceUri", "__tableServiceUri", "__endpoint", "__clientId", "__credential"];
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "local.settings.sample.json")))!["Values"]!.AsObject();
        foreach (var (name, _) in sample)
        {
            if (identitySuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal)))
            {
                Assert.True(settings.ContainsKey(name), $"local.settings.sample.json has {name}, which infra does not set on the Function App");
            }
        }

        // The instance's own settings come from azd parameters.
        foreach (var name in InstanceSettings)
        {
            Assert.True(settings.ContainsKey(name), $"infra sets no {name} on the Function App");
        }

        // No keys or connection strings: only identity-based settings.
        string[] secrets = ["AzureWebJobsStorage", "ServiceBusConnection", "MediaStorage", "Cosmos__key", "WebPubSub__key", "WebPubSub__connectionString"];
        foreach (var name in secrets)
        {
            Assert.False(settings.ContainsKey(name), $"infra sets {name}, a secret; the app must use its identity");
        }
    }

    [Fact]
    public void The_function_app_gets_no_setting_nobody_reads()
    {
        // Read by the Functions host or the platform rather than by our code.
        string[] host =
        [
            "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "ServiceBusConnection__credential", "AzureWebJobsDisableHomepage",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        ];
        var sources = SourceFiles();
        var unread = AppSettings().Select(s => s.Key)
            .Where(name => !host.Contains(name) && !IsRead(name, sources))
            .ToList();
        Assert.True(unread.Count == 0, "infra sets settings no code reads: " + string.Join(", ", unread));
    }

    [Fact]
    public void Local_auth_is_off_everywhere()
    {
        var resources = AllResources(Template.Value).ToList();
        bool Property(string type, string name) =>
            (bool)Assert.Single(resources, r => Type(r) == type)["properties"]![name]!;

        Assert.True(Property("Microsoft.DocumentDB/databaseAccounts", "disableLocalAuth"));
        Assert.True(Property("Microsoft.ServiceBus/namespaces", "disableLocalAuth"));
        Assert.True(Property("Microsoft.SignalRService/webPubSub", "disableLocalAuth"));
        Assert.True(Property("Microsoft.Insights/components", "DisableLocalAuth"));
        Assert.False(Property("Microsoft.Storage/storageAccounts", "allowSharedKeyAccess"));
    }

    [Fact]
    public void Streaming_goes_through_front_door_to_the_web_pubsub_hub()
    {
        var resources = AllResources(Template.Value).ToList();
        var hub = Assert.Single(resources, r => Type(r) == "Microsoft.SignalRService/webPubSub/hubs")["properties"]!;
        Assert.Equal("allow", (string?)hub["anonymousConnectPolicy"]);
        var handler = Assert.Single(hub["eventHandlers"]!.AsArray())!;
        Assert.Contains("connect", handler["systemEvents"]!.AsArray().Select(e => (string?)e));
        Assert.Equal("*", (string?)handler["userEventPattern"]);
        Assert.Equal("ManagedIdentity", (string?)handler["auth"]!["type"]);
        Assert.Equal(Serverless.Mastodon.Routes.StreamingEventsTemplate, (string?)Template.Value["parameters"]!["webPubSubEventHandlerPath"]!["defaultValue"]);

        var rule = Assert.Single(resources, r => Type(r) == "Microsoft.Cdn/profiles/ruleSets/rules")["properties"]!;
        Assert.Contains("/api/v1/streaming", rule["conditions"]![0]!["parameters"]!["matchValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("[format('/client/hubs/{0}', parameters('hubName'))]", (string?)rule["actions"]![0]!["parameters"]!["destination"]);

        // Nothing is cached: no route has a cache configuration.
        Assert.All(resources.Where(r => Type(r) == "Microsoft.Cdn/profiles/afdEndpoints/routes"), route => Assert.Null(route["properties"]!["cacheConfiguration"]));
    }

    [Fact]
    public void The_streaming_base_url_is_front_doors_streaming_host_merged_into_the_app_settings()
    {
        // Set after Front Door (whose generated host name the app module cannot know), to its
        // streaming host: the custom domain when given, else the endpoint's own name.
        var merge = Deployment("streaming-setting");
        var dependsOn = merge["dependsOn"]!.AsArray().Select(d => (string?)d).ToList();
        Assert.Contains(dependsOn, d => d!.Contains("'frontdoor')", StringComparison.Ordinal));
        Assert.Contains(dependsOn, d => d!.Contains("'functionapp')", StringComparison.Ordinal));
        var value = (string?)MergedSettings()["STREAMING_API_BASE_URL"];
        Assert.StartsWith("[format('wss://{0}', reference(", value, StringComparison.Ordinal);
        Assert.Contains("'frontdoor')", value, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.streamingHostName.value)]", value, StringComparison.Ordinal);

        // A sites/config write replaces every setting: the module must keep the ones already there.
        var resource = Assert.Single(AllResources(merge["properties"]!["template"]!), IsAppSettings);
        Assert.Equal(
            "[union(list(format('{0}/config/appsettings', resourceId('Microsoft.Web/sites', parameters('appName'))), '2024-04-01').properties, parameters('settings'))]",
            (string?)resource["properties"]);
    }

    private static bool IsRead(string name, IReadOnlyList<string> sources)
    {
        var parts = name.Split("__", 2);
        if (parts.Length == 1)
        {
            return sources.Any(s => s.Contains($"\"{name}\"", StringComparison.Ordinal));
        }

        // Section:key, or a file naming both the section and the key (section["key"]).
        var (section, key) = (parts[0], parts[1]);
        return sources.Any(s => s.Contains($"\"{section}:{key}\"", StringComparison.Ordinal)
            || (s.Contains($"\"{section}\"", StringComparison.Ordinal) && s.Contains($"\"{key}\"", StringComparison.Ordinal)));
    }

    private static List<string> SourceFiles()
    {
        var roots = SourceRoots.Select(d => Path.Combine(Paths.RepositoryRoot, d));
        return roots.SelectMany(root => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
    }

    /// <summary>The function app's settings: those its module writes, plus those merged in after Front Door (STREAMING_API_BASE_URL).</summary>
    private static JsonObject AppSettings()
    {
        var settings = Assert.Single(AllResources(Template.Value), r => IsAppSettings(r) && r["properties"] is JsonObject)["properties"]!.AsObject().DeepClone().AsObject();
        foreach (var (name, value) in MergedSettings())
        {
            settings[name] = value?.DeepClone();
        }

        return settings;
    }

    /// <summary>The settings the merge module lays over the app's own, as main.bicep passes them.</summary>
    private static JsonObject MergedSettings() =>
        Deployment("streaming-setting")["properties"]!["parameters"]!["settings"]!["value"]!.AsObject();

    private static bool IsAppSettings(JsonNode resource) =>
        Type(resource) == "Microsoft.Web/sites/config" && ((string?)resource["name"])?.EndsWith("'appsettings')]", StringComparison.Ordinal) == true;

    private static JsonNode Deployment(string name) =>
        Assert.Single(Resources(Template.Value), r => Type(r) == "Microsoft.Resources/deployments" && (string?)r["name"] == name);

    private static string? Type(JsonNode resource) => (string?)resource["type"];

    /// <summary>A template's resources: an array, or an object by symbolic name (languageVersion 2.0).</summary>
    private static IEnumerable<JsonNode> Resources(JsonNode template) =>
        template["resources"] switch
        {
            JsonArray array => array.Select(r => r!),
            JsonObject named => named.Select(p => p.Value!),
            _ => [],
        };

    /// <summary>Every resource, nested deployments' (the modules') included.</summary>
    private static IEnumerable<JsonNode> AllResources(JsonNode template)
    {
        foreach (var resource in Resources(template))
        {
            yield return resource;
            if (Type(resource) == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is { } nested)
            {
                foreach (var inner in AllResources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static JsonObject LoadTemplate()
    {
        var infra = Path.Combine(Paths.RepositoryRoot, "infra");
        var compiled = Path.Combine(infra, "bin", "main.json");
        if (!File.Exists(compiled))
        {
            throw new FileNotFoundException($"{compiled} is missing: run `bash infra/bicep.sh` (CI runs it before the tests).");
        }

        // A template older than its sources would test yesterday's infrastructure.
        var built = File.GetLastWriteTimeUtc(compiled);
        var stale = Directory.EnumerateFiles(infra, "*.bicep", SearchOption.AllDirectories)
            .Append(Path.Combine(infra, "cosmos-containers.json"))
            .Where(source => File.GetLastWriteTimeUtc(source) > built)
            .ToList();
        if (stale.Count > 0)
        {
            throw new InvalidOperationException($"{compiled} is older than {string.Join(", ", stale.Select(Path.GetFileName))}: run `bash infra/bicep.sh`.");
        }

        return JsonNode.Parse(File.ReadAllText(compiled))!.AsObject();
    }
}
