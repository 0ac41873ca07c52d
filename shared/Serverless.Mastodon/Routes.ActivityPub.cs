using Serverless.Mastodon.Http;

namespace Serverless.Mastodon;

/// <summary>ActivityPub documents and collections, and discovery documents.</summary>
public static partial class Routes
{
    static partial void MapActivityPub(RouteTable table)
    {
    }
}
