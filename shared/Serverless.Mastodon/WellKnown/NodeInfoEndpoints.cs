using Serverless.ActivityPub.Documents;
using Serverless.Core.Configuration;
using Serverless.Core.Instance;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.WellKnown;

/// <summary><c>/.well-known/nodeinfo</c> and <c>/nodeinfo/2.0</c>.</summary>
public static class NodeInfoEndpoints
{
    public static Task Discovery(ApiRequest request) =>
        request.Raw(NodeInfo.Discovery(request.Instance.BaseUrl).ToJsonString(), "application/json; charset=utf-8");

    public static async Task Show(ApiRequest request)
    {
        var stats = await request.Service<InstanceStats>().ReadAsync(request.Aborted);
        var document = NodeInfo.Document20(
            Api.V1.InstancesEndpoints.Version,
            request.Instance.RegistrationsMode != RegistrationsMode.Closed,
            stats.Users,
            stats.Statuses,
            request.Instance.Title);
        await request.Raw(document.ToJsonString(), "application/json; profile=\"" + NodeInfo.Schema20 + "#\"; charset=utf-8");
    }
}
