using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Documents;

/// <summary>NodeInfo: the discovery document and the 2.0 and 2.1 schemas that crawlers, peers and some clients read.</summary>
public static class NodeInfo
{
    public const string Schema20 = "http://nodeinfo.diaspora.software/ns/schema/2.0";
    public const string Schema21 = "http://nodeinfo.diaspora.software/ns/schema/2.1";

    /// <summary>What we are: <c>software.name</c> (NodeInfo allows only lower-case letters, digits and dashes).</summary>
    public const string SoftwareName = "serverless";

    /// <summary>The Mastodon version whose API we follow, named in <c>metadata.upstream</c>.</summary>
    public const string UpstreamVersion = "4.5.0";

    public static string ContentType(string schema) => $"application/json; profile=\"{schema}#\"; charset=utf-8";

    public static JsonObject Discovery(string baseUrl) => new()
    {
        ["links"] = new JsonArray(
            new JsonObject { ["rel"] = Schema20, ["href"] = $"{baseUrl}/nodeinfo/2.0" },
            new JsonObject { ["rel"] = Schema21, ["href"] = $"{baseUrl}/nodeinfo/2.1" }),
    };

    /// <summary>The usage counts NodeInfo reports.</summary>
    public sealed record Usage(long Users, long ActiveMonth, long ActiveHalfyear, long LocalPosts);

    /// <summary>
    /// The 2.0 (<paramref name="version"/> "2.0") or 2.1 document. <c>metadata.upstream</c> names
    /// Mastodon, so that libraries that pick an API by the software name (megalodon's
    /// <c>detector</c>) treat us as the Mastodon API we serve.
    /// </summary>
    public static JsonObject Document(string version, string softwareVersion, bool openRegistrations, Usage usage, string title, string description, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var software = new JsonObject { ["name"] = SoftwareName, ["version"] = softwareVersion };
        if (version == "2.1")
        {
            software["homepage"] = baseUrl;
        }

        return new JsonObject
        {
            ["version"] = version,
            ["software"] = software,
            ["protocols"] = new JsonArray("activitypub"),
            ["services"] = new JsonObject { ["outbound"] = new JsonArray(), ["inbound"] = new JsonArray() },
            ["usage"] = new JsonObject
            {
                ["users"] = new JsonObject { ["total"] = usage.Users, ["activeMonth"] = usage.ActiveMonth, ["activeHalfyear"] = usage.ActiveHalfyear },
                ["localPosts"] = usage.LocalPosts,
            },
            ["openRegistrations"] = openRegistrations,
            ["metadata"] = new JsonObject
            {
                ["nodeName"] = title,
                ["nodeDescription"] = description,
                ["upstream"] = new JsonObject { ["name"] = "mastodon", ["version"] = UpstreamVersion },
            },
        };
    }
}
