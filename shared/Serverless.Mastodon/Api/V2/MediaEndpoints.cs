using Serverless.Core.Media;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V2;

/// <summary><c>POST /api/v2/media</c>.</summary>
public static class MediaEndpoints
{
    /// <summary>
    /// Stores the upload and answers 202 with <c>url: null</c> while the <c>media</c> queue
    /// processes it (clients poll <c>GET /api/v1/media/:id</c>); small images are processed at
    /// once and answered 200, as Mastodon answers images.
    /// </summary>
    public static Task Create(ApiRequest request) => V1.MediaEndpoints.CreateAsync(request, MediaService.Processing.InlineWhenSmall);
}
