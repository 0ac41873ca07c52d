using Serverless.Mastodon.Federation;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon;

/// <summary>The inboxes: where remote servers POST activities.</summary>
public static partial class Routes
{
    static partial void MapFederation(RouteTable table) => table
        .PostRaw("/inbox", InboxesEndpoints.Shared)
        .PostRaw("/actor/inbox", InboxesEndpoints.Shared)
        .PostRaw("/users/{username}/inbox", InboxesEndpoints.Personal);
}
