using Serverless.Mastodon.Http;

namespace Serverless.Mastodon;

/// <summary>The inboxes: where remote servers POST activities.</summary>
public static partial class Routes
{
    static partial void MapFederation(RouteTable table)
    {
    }
}
