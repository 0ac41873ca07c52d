using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Serverless.Core.Queues;
using Serverless.Functions.Http;
using Serverless.Functions.Queues;

namespace Serverless.Functions.Tests;

/// <summary>
/// Checks the function metadata the Worker SDK generates for the app: functions.metadata (written
/// at build time) and the source-generated metadata provider (what the host reads at run time with
/// worker indexing, the default). A wrong binding here only shows up once deployed.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Dictionary<string, string> ExpectedHttpRoutes = new(StringComparer.Ordinal)
    {
        ["Api"] = "api/{*path}",
        ["OAuth"] = "oauth/{*path}",
        ["WellKnown"] = ".well-known/{*path}",
        ["NodeInfo"] = "nodeinfo/{*path}",
        ["Users"] = "users/{*path}",
        ["Inbox"] = "inbox",
        ["Actor"] = "actor/{*path}",
        ["System"] = "system/{*path}",
        ["Profile"] = "@{username}/{*path}",
        ["Tags"] = "tags/{*path}",
        ["About"] = "about/{*path}",
        ["Moderation"] = "moderation/{*path}",
        ["AuthorizeInteraction"] = "authorize_interaction",
        ["Streaming"] = "_streaming/{*path}",
        ["Avatars"] = "avatars/{*path}",
        ["Headers"] = "headers/{*path}",
    };

    /// <summary>The timer-triggered function that publishes scheduled statuses and ends polls.</summary>
    private const string ScheduledStatusesFunctionName = "ScheduledStatuses";

    private static readonly string[] AllMethods = ["get", "post", "put", "patch", "delete", "options", "head"];

    /// <summary>Function name of each queue's trigger: the queue name with a capital.</summary>
    private static string QueueFunctionName(string queue) => char.ToUpperInvariant(queue[0]) + queue[1..];

    private static readonly Lazy<Dictionary<string, JsonArray>> FileMetadata = new(ReadFunctionsMetadata);

    private static readonly Lazy<Dictionary<string, JsonArray>> GeneratedMetadata = new(ReadGeneratedMetadata);

    public static TheoryData<string> Sources => new() { "functions.metadata", "generated provider" };

    private static Dictionary<string, JsonArray> Metadata(string source) =>
        source == "functions.metadata" ? FileMetadata.Value : GeneratedMetadata.Value;

    [Theory]
    [MemberData(nameof(Sources))]
    public void Has_exactly_the_expected_functions(string source)
    {
        var expected = ExpectedHttpRoutes.Keys.Concat(QueueNames.All.Select(QueueFunctionName)).Append(ScheduledStatusesFunctionName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Metadata(source).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Http_functions_are_anonymous_take_every_method_and_have_their_route(string source)
    {
        foreach (var (name, route) in ExpectedHttpRoutes)
        {
            var trigger = Trigger(Metadata(source), name);
            Assert.Equal("httpTrigger", (string?)trigger["type"]);
            Assert.Equal("In", (string?)trigger["direction"], ignoreCase: true);
            Assert.Equal("anonymous", (string?)trigger["authLevel"], ignoreCase: true);
            Assert.Equal(route, (string?)trigger["route"]);
            var methods = trigger["methods"]!.AsArray().Select(m => ((string?)m)!.ToLowerInvariant()).Order();
            Assert.Equal(AllMethods.Order(), methods);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Http_functions_have_the_usual_return_binding(string source)
    {
        foreach (var name in ExpectedHttpRoutes.Keys)
        {
            var output = Assert.Single(Metadata(source)[name], b => string.Equals((string?)b!["direction"], "Out", StringComparison.OrdinalIgnoreCase));
            Assert.Equal("http", (string?)output!["type"]);
            Assert.Equal("$return", (string?)output["name"]);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Each_queue_has_a_service_bus_triggered_function(string source)
    {
        foreach (var queue in QueueNames.All)
        {
            var name = QueueFunctionName(queue);
            var bindings = Metadata(source)[name];
            var trigger = Assert.Single(bindings);
            Assert.Equal("serviceBusTrigger", (string?)trigger!["type"]);
            Assert.Equal("In", (string?)trigger["direction"], ignoreCase: true);
            Assert.Equal(queue, (string?)trigger["queueName"]);
            Assert.Equal("ServiceBusConnection", (string?)trigger["connection"]);
            Assert.Equal(QueueFunctions.ConnectionSetting, (string?)trigger["connection"]);
            Assert.Equal("One", (string?)trigger["cardinality"]);
            Assert.Equal("String", (string?)trigger["dataType"]);
            Assert.True(trigger["topicName"] is null && trigger["subscriptionName"] is null);
            Assert.NotEqual("false", trigger["autoCompleteMessages"]?.ToString(), StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual("true", trigger["isSessionsEnabled"]?.ToString(), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Scheduled_work_runs_on_a_timer_every_minute(string source)
    {
        var trigger = Assert.Single(Metadata(source)[ScheduledStatusesFunctionName]);
        Assert.Equal("timerTrigger", (string?)trigger!["type"]);
        Assert.Equal("In", (string?)trigger["direction"], ignoreCase: true);
        Assert.Equal("0 * * * * *", (string?)trigger["schedule"]);
    }

    [Fact]
    public void Routes_in_the_metadata_are_the_ones_in_HttpRoutes()
    {
        var declared = typeof(HttpRoutes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(ExpectedHttpRoutes.Values.Order(StringComparer.Ordinal), declared);
        Assert.Equal(AllMethods, HttpRoutes.Methods);
    }

    [Fact]
    public void No_route_starts_with_a_segment_the_host_keeps()
    {
        foreach (var route in HttpRouteTemplates())
        {
            var first = route.Split('/')[0];
            Assert.False(first.StartsWith("admin", StringComparison.OrdinalIgnoreCase), route);
            Assert.False(first.Equals("runtime", StringComparison.OrdinalIgnoreCase), route);
        }
    }

    [Fact]
    public void Every_route_starts_with_a_distinct_literal_so_none_can_shadow_another()
    {
        // The host tries routes in the order of the function names, not by specificity. A route
        // whose first segment is only a parameter or a catch-all would swallow the others' paths.
        var prefixes = new List<string>();
        foreach (var route in HttpRouteTemplates())
        {
            var first = TemplateParser.Parse(route).Segments[0];
            var literal = first.Parts[0];
            Assert.True(literal.IsLiteral && literal.Text!.Length > 0, $"'{route}' must start with a literal");
            prefixes.Add(first.IsSimple ? literal.Text! + "/" : literal.Text!);
        }

        // No prefix may be the start of another: "@" would otherwise overlap a literal "@foo".
        foreach (var a in prefixes)
        {
            foreach (var b in prefixes.Where(p => !ReferenceEquals(p, a)))
            {
                Assert.False(b.StartsWith(a, StringComparison.OrdinalIgnoreCase), $"'{a}' overlaps '{b}'");
            }
        }
    }

    public static TheoryData<string, string?> SamplePaths => new()
    {
        { "/api/v1/instance", "Api" },
        { "/api/v2/instance", "Api" },
        { "/api/v1/accounts/verify_credentials", "Api" },
        { "/api/v1/admin/accounts", "Api" },
        { "/api", "Api" },
        { "/oauth/token", "OAuth" },
        { "/oauth/authorize", "OAuth" },
        { "/.well-known/webfinger", "WellKnown" },
        { "/.well-known/nodeinfo", "WellKnown" },
        { "/.well-known/host-meta", "WellKnown" },
        { "/nodeinfo/2.0", "NodeInfo" },
        { "/users/alice", "Users" },
        { "/users/alice/inbox", "Users" },
        { "/users/alice/statuses/123", "Users" },
        { "/inbox", "Inbox" },
        { "/actor", "Actor" },
        { "/actor/inbox", "Actor" },
        { "/system/media_attachments/files/1/original/a.png", "System" },
        { "/@alice", "Profile" },
        { "/@alice/123", "Profile" },
        { "/@alice/with_replies", "Profile" },
        { "/tags/fediverse", "Tags" },
        { "/about", "About" },
        { "/about/more", "About" },
        { "/moderation", "Moderation" },
        { "/moderation/reports", "Moderation" },
        { "/authorize_interaction", "AuthorizeInteraction" },
        { "/_streaming/connect", "Streaming" },
        { "/_streaming/message", "Streaming" },
        { "/avatars/original/missing.png", "Avatars" },
        { "/headers/original/missing.png", "Headers" },
        // Not served: the host's own paths, unknown prefixes, and (a limitation of complex
        // segments, which match from the right) remote profiles.
        { "/admin/host/status", null },
        { "/runtime/webhooks/x", null },
        { "/", null },
        { "/inbox/x", null },
        { "/apix", null },
        { "/@", null },
        { "/@alice@remote.example", null },
    };

    /// <summary>Every route the dispatcher knows must reach it through exactly one function, or it is unreachable on Azure.</summary>
    [Fact]
    public void Every_route_in_the_route_table_is_served_by_exactly_one_function()
    {
        var triggers = FileMetadata.Value
            .Select(f => (f.Key, Trigger: f.Value.FirstOrDefault(b => (string?)b!["type"] == "httpTrigger")))
            .Where(f => f.Trigger is not null)
            .Select(f => (f.Key, Matcher: new TemplateMatcher(TemplateParser.Parse((string)f.Trigger!["route"]!), new RouteValueDictionary())))
            .ToList();
        var unserved = new List<string>();
        foreach (var route in Serverless.Mastodon.Routes.Build().Definitions)
        {
            // A sample path: each parameter becomes a plain value (a profile's "@{username}" keeps its "@").
            var path = System.Text.RegularExpressions.Regex.Replace(route.Template, @"\{\*?[a-zA-Z_]+\}", "x");
            var matches = triggers.Where(t => t.Matcher.TryMatch(new PathString(path), new RouteValueDictionary())).Select(t => t.Key).ToList();
            if (matches.Count != 1)
            {
                unserved.Add($"{route.Method} {route.Template} → [{string.Join(", ", matches)}]");
            }
        }

        Assert.Empty(unserved);
    }

    [Theory]
    [MemberData(nameof(SamplePaths))]
    public void Each_path_matches_at_most_one_function(string path, string? expected)
    {
        var matches = new List<string>();
        foreach (var (name, bindings) in FileMetadata.Value)
        {
            var trigger = bindings.FirstOrDefault(b => (string?)b!["type"] == "httpTrigger");
            if (trigger is null)
            {
                continue;
            }

            var matcher = new TemplateMatcher(TemplateParser.Parse((string)trigger["route"]!), new RouteValueDictionary());
            if (matcher.TryMatch(new PathString(path), new RouteValueDictionary()))
            {
                matches.Add(name);
            }
        }

        if (expected is null)
        {
            Assert.Empty(matches);
        }
        else
        {
            Assert.Equal([expected], matches);
        }
    }

    private static IEnumerable<string> HttpRouteTemplates() =>
        FileMetadata.Value.Values.Concat(GeneratedMetadata.Value.Values)
            .SelectMany(bindings => bindings)
            .Where(b => (string?)b!["type"] == "httpTrigger")
            .Select(b => (string)b!["route"]!)
            .Distinct(StringComparer.Ordinal);

    private static JsonObject Trigger(Dictionary<string, JsonArray> metadata, string function)
    {
        Assert.True(metadata.TryGetValue(function, out var bindings), $"no function '{function}'");
        var triggers = bindings.Where(b => ((string?)b!["type"])?.EndsWith("Trigger", StringComparison.Ordinal) == true).ToList();
        return Assert.Single(triggers)!.AsObject();
    }

    private static Dictionary<string, JsonArray> ReadFunctionsMetadata()
    {
        var functions = JsonNode.Parse(File.ReadAllText(Paths.FunctionsMetadata))!.AsArray();
        var result = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            var name = (string)function!["name"]!;
            Assert.Equal("Serverless.Functions.dll", (string?)function["scriptFile"]);
            Assert.Equal("dotnet-isolated", (string?)function["language"]);
            result.Add(name, function["bindings"]!.AsArray());
        }

        return result;
    }

    /// <summary>
    /// Runs the metadata provider the Worker SDK's source generator put into the app (internal,
    /// so found by its interface) and returns its raw bindings by function name.
    /// </summary>
    private static Dictionary<string, JsonArray> ReadGeneratedMetadata()
    {
        var assembly = typeof(HttpRoutes).Assembly;
        var providerInterface = typeof(Microsoft.Azure.Functions.Worker.Core.FunctionMetadata.IFunctionMetadataProvider);
        var providerType = Assert.Single(assembly.GetTypes(), t => !t.IsAbstract && providerInterface.IsAssignableFrom(t));
        var provider = Activator.CreateInstance(providerType, nonPublic: true)!;
        var method = providerInterface.GetMethod("GetFunctionMetadataAsync")!;
        var task = (Task)method.Invoke(provider, [AppContext.BaseDirectory])!;
        task.GetAwaiter().GetResult();
        var functions = (IEnumerable)task.GetType().GetProperty("Result")!.GetValue(task)!;

        var result = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (Microsoft.Azure.Functions.Worker.Core.FunctionMetadata.IFunctionMetadata function in functions)
        {
            var bindings = new JsonArray();
            foreach (var raw in function.RawBindings ?? [])
            {
                bindings.Add(JsonNode.Parse(raw));
            }

            result.Add(function.Name!, bindings);
        }

        return result;
    }
}
