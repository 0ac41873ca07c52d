using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.WellKnown;

/// <summary><c>GET /.well-known/webfinger?resource=acct:alice@domain</c>.</summary>
public static class WebFingerEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var resource = request.Params.GetString("resource");
        if (string.IsNullOrWhiteSpace(resource))
        {
            throw ApiException.BadRequest("The resource parameter is required");
        }

        var urls = request.Service<LocalUrls>();
        var username = WebFinger.LocalUsername(resource, request.Instance.LocalDomain, urls);
        var account = username is null ? null : await request.Service<AccountService>().FindLocalAsync(username, request.Aborted);
        if (account is null)
        {
            throw ApiException.NotFound();
        }

        request.Http.Response.Headers.CacheControl = "max-age=259200, public";
        await request.Raw(WebFinger.Build(account, request.Instance.LocalDomain, urls).ToJsonString(), WebFinger.ContentType);
    }
}
