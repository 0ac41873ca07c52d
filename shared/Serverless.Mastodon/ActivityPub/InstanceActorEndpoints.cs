using Serverless.ActivityPub;
using Serverless.ActivityPub.Documents;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>
/// <c>GET /actor</c>: the instance actor, served to anyone whatever the <c>Accept</c> header and
/// never behind a signature check, because servers that sign every fetch need its key before they
/// can verify anything (<c>/actor#main-key</c> is this same document). <c>GET /actor/outbox</c> is
/// its empty outbox.
/// </summary>
public static class InstanceActorEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var actor = request.Service<InstanceActor>();
        var key = await actor.GetAsync(request.Aborted);
        var document = ActorDocument.BuildInstanceActor(actor, key.PublicKeyPem, request.Instance.LocalDomain, request.Service<LocalUrls>());
        await ActivityPubResponses.WriteAsync(request, document);
    }

    public static async Task Outbox(ApiRequest request)
    {
        var id = request.Service<InstanceActor>().Uri + "/outbox";
        var document = request.Params.GetBool("page") == true
            ? Collections.Page(Collections.PageUrl(id), id, [], next: null, prev: null)
            : Collections.Collection(id, 0, Collections.PageUrl(id));
        await ActivityPubResponses.WriteAsync(request, document);
    }
}
