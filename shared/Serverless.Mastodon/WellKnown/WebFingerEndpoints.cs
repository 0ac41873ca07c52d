using Serverless.ActivityPub;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Mastodon.ActivityPub;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.WellKnown;

/// <summary>
/// <c>GET /.well-known/webfinger?resource=…</c>: a local account by <c>acct:alice@domain</c>, its
/// actor URI or its profile URL, and the instance actor by <c>acct:domain@domain</c> or <c>/actor</c>.
/// No resource is a 400; one that is not ours, a 404 (both with Mastodon's JSON error body).
/// </summary>
public static class WebFingerEndpoints
{
    /// <summary>Mastodon lets caches keep WebFinger answers for three days.</summary>
    public const string CacheControl = "max-age=259200, public";

    public static async Task Show(ApiRequest request)
    {
        var resource = request.Params.GetString("resource");
        if (string.IsNullOrWhiteSpace(resource))
        {
            throw ApiException.BadRequest("The resource parameter is required");
        }

        var urls = request.Service<LocalUrls>();
        var domain = request.Instance.LocalDomain;
        if (WebFinger.IsInstanceActor(resource, domain, urls))
        {
            var document = WebFinger.BuildInstanceActor(request.Service<InstanceActor>(), domain, urls);
            await ActivityPubResponses.WriteJsonAsync(request, document, WebFinger.ContentType, CacheControl);
            return;
        }

        var username = WebFinger.LocalUsername(resource, domain, urls);
        var account = username is null ? null : await request.Service<AccountService>().FindLocalAsync(username, request.Aborted);
        if (account is null)
        {
            throw ApiException.NotFound();
        }

        await ActivityPubResponses.WriteJsonAsync(request, WebFinger.Build(account, domain, urls), WebFinger.ContentType, CacheControl);
    }
}
