using Serverless.ActivityPub.Documents;
using Serverless.Core.Configuration;
using Serverless.Core.Instance;
using Serverless.Mastodon.ActivityPub;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.WellKnown;

/// <summary><c>/.well-known/nodeinfo</c>, <c>/nodeinfo/2.0</c> and <c>/nodeinfo/2.1</c>.</summary>
public static class NodeInfoEndpoints
{
    /// <summary>Our own version, as <c>software.version</c> (the client API's version string names it too).</summary>
    public const string SoftwareVersion = "0.1.0";

    public static Task Discovery(ApiRequest request) =>
        ActivityPubResponses.WriteJsonAsync(request, NodeInfo.Discovery(request.Instance.BaseUrl), "application/json; charset=utf-8", "max-age=259200, public");

    public static Task Show20(ApiRequest request) => ShowAsync(request, "2.0", NodeInfo.Schema20);

    public static Task Show21(ApiRequest request) => ShowAsync(request, "2.1", NodeInfo.Schema21);

    /// <summary>
    /// Usage comes from the instance counters. Activity per month and half-year is not tracked,
    /// so both report every local user (the upper bound), as a server without that data should.
    /// </summary>
    private static async Task ShowAsync(ApiRequest request, string version, string schema)
    {
        var stats = await request.Service<InstanceStats>().ReadAsync(request.Aborted);
        var users = Math.Max(0, stats.Users);
        var document = NodeInfo.Document(
            version,
            SoftwareVersion,
            request.Instance.RegistrationsMode != RegistrationsMode.Closed,
            new NodeInfo.Usage(users, users, users, Math.Max(0, stats.Statuses)),
            request.Instance.Title,
            request.Instance.Description,
            request.Instance.BaseUrl);
        await ActivityPubResponses.WriteJsonAsync(request, document, NodeInfo.ContentType(schema), "max-age=1800, public");
    }
}
