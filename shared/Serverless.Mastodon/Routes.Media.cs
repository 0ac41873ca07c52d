using Serverless.Mastodon.Files;
using Serverless.Mastodon.Http;
using V1 = Serverless.Mastodon.Api.V1;
using V2 = Serverless.Mastodon.Api.V2;

namespace Serverless.Mastodon;

public static partial class Routes
{
    /// <summary>Media uploads (Mastodon requires <c>write:media</c> for all of them, reads included) and the media files.</summary>
    static partial void MapMedia(RouteTable table) => table
        .Post("/api/v1/media", V1.MediaEndpoints.Create, Authentication.User, "write:media")
        .Get("/api/v1/media/{id}", V1.MediaEndpoints.Show, Authentication.User, "write:media")
        .Put("/api/v1/media/{id}", V1.MediaEndpoints.Update, Authentication.User, "write:media")
        .Delete("/api/v1/media/{id}", V1.MediaEndpoints.Delete, Authentication.User, "write:media")
        .Post("/api/v2/media", V2.MediaEndpoints.Create, Authentication.User, "write:media")
        .Get("/system/{*key}", MediaFilesEndpoints.Show);
}
