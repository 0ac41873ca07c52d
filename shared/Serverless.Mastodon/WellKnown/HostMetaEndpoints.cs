using Serverless.ActivityPub.Documents;
using Serverless.Mastodon.ActivityPub;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.WellKnown;

/// <summary><c>/.well-known/host-meta</c> (XRD, or JSON when asked for) and <c>/.well-known/host-meta.json</c>.</summary>
public static class HostMetaEndpoints
{
    private const string CacheControl = "max-age=259200, public";

    public static Task Show(ApiRequest request)
    {
        var accept = request.Http.Request.Headers.Accept.ToString();
        var wantsJson = request.Params.GetString("format") == "json"
            || (accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("xml", StringComparison.OrdinalIgnoreCase));
        if (wantsJson)
        {
            return Json(request);
        }

        request.Http.Response.Headers.CacheControl = CacheControl;
        return request.Raw(HostMeta.Xrd(request.Instance.BaseUrl), HostMeta.XrdContentType);
    }

    public static Task Json(ApiRequest request) =>
        ActivityPubResponses.WriteJsonAsync(request, HostMeta.Json(request.Instance.BaseUrl), HostMeta.JsonContentType, CacheControl);
}
