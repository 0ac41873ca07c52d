using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Documents;

/// <summary>NodeInfo: the discovery document and the 2.0 schema that fediverse crawlers and Phanpy read.</summary>
public static class NodeInfo
{
    public const string Schema20 = "http://nodeinfo.diaspora.software/ns/schema/2.0";

    public static JsonObject Discovery(string baseUrl) => new()
    {
        ["links"] = new JsonArray(new JsonObject { ["rel"] = Schema20, ["href"] = $"{baseUrl}/nodeinfo/2.0" }),
    };

    /// <summary>
    /// The 2.0 document. <c>software.name</c> is "mastodon" because clients (Phanpy) gate features on
    /// it; the version string says what we really are.
    /// </summary>
    public static JsonObject Document20(string version, bool openRegistrations, long users, long localPosts, string title) => new()
    {
        ["version"] = "2.0",
        ["software"] = new JsonObject { ["name"] = "mastodon", ["version"] = version },
        ["protocols"] = new JsonArray("activitypub"),
        ["services"] = new JsonObject { ["outbound"] = new JsonArray(), ["inbound"] = new JsonArray() },
        ["usage"] = new JsonObject
        {
            ["users"] = new JsonObject { ["total"] = users, ["activeMonth"] = users, ["activeHalfyear"] = users },
            ["localPosts"] = localPosts,
        },
        ["openRegistrations"] = openRegistrations,
        ["metadata"] = new JsonObject { ["nodeName"] = title },
    };
}
