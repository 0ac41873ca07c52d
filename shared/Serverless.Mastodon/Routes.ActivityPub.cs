using Serverless.Mastodon.ActivityPub;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.WellKnown;

namespace Serverless.Mastodon;

/// <summary>
/// ActivityPub documents and collections, and discovery documents: what other servers GET from
/// us. All are anonymous (signed fetches come with the signature work); content negotiation on
/// <c>Accept</c> picks ActivityPub JSON or the HTML page where both exist.
/// </summary>
public static partial class Routes
{
    static partial void MapActivityPub(RouteTable table) => table

        // Discovery
        .Get("/.well-known/webfinger", WebFingerEndpoints.Show)
        .Get("/.well-known/host-meta", HostMetaEndpoints.Show)
        .Get("/.well-known/host-meta.json", HostMetaEndpoints.Json)
        .Get("/.well-known/nodeinfo", NodeInfoEndpoints.Discovery)
        .Get("/nodeinfo/2.0", NodeInfoEndpoints.Show20)
        .Get("/nodeinfo/2.1", NodeInfoEndpoints.Show21)

        // The instance actor (served unsigned so that servers requiring signatures can bootstrap)
        .Get("/actor", InstanceActorEndpoints.Show)
        .Get("/actor/outbox", InstanceActorEndpoints.Outbox)

        // Actors and their collections
        .Get("/users/{username}", ActorsEndpoints.Show)
        .Get("/users/{username}/outbox", CollectionsEndpoints.Outbox)
        .Get("/users/{username}/followers", CollectionsEndpoints.Followers)
        .Get("/users/{username}/following", CollectionsEndpoints.Following)
        .Get("/users/{username}/collections/featured", CollectionsEndpoints.Featured)
        .Get("/users/{username}/collections/tags", CollectionsEndpoints.FeaturedTags)

        // Statuses
        .Get("/users/{username}/statuses/{id}", NotesEndpoints.Show)
        .Get("/users/{username}/statuses/{id}/activity", NotesEndpoints.Activity)
        .Get("/users/{username}/statuses/{id}/replies", NotesEndpoints.Replies)
        .Get("/users/{username}/statuses/{id}/likes", NotesEndpoints.Likes)
        .Get("/users/{username}/statuses/{id}/shares", NotesEndpoints.Shares)

        // Profile and status pages (ActivityPub clients are redirected to the ids)
        .Get("/@{username}", ActorsEndpoints.Profile)
        .Get("/@{username}/{id}", NotesEndpoints.Page);
}
