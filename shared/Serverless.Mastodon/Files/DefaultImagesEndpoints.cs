using Microsoft.AspNetCore.Http;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Files;

/// <summary>
/// <c>GET /avatars/original/missing.png</c> and <c>/headers/original/missing.png</c>: the images every
/// account without its own avatar or header points at, at the paths Mastodon uses (some clients
/// recognise a default avatar by its name). One flat pixel each, which browsers stretch.
/// </summary>
public static class DefaultImagesEndpoints
{
    private static readonly byte[] Avatar = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mOYve4EAAP5AhIiRVY+AAAAAElFTkSuQmCC");

    private static readonly byte[] Header = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mNISGkBAAJwAUkdedQzAAAAAElFTkSuQmCC");

    public static Task MissingAvatar(ApiRequest request) => WriteAsync(request, Avatar);

    public static Task MissingHeader(ApiRequest request) => WriteAsync(request, Header);

    private static async Task WriteAsync(ApiRequest request, byte[] png)
    {
        var response = request.Http.Response;
        response.ContentType = "image/png";
        response.ContentLength = png.Length;
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        if (!HttpMethods.IsHead(request.Http.Request.Method))
        {
            await response.Body.WriteAsync(png, request.Aborted);
        }
    }
}
