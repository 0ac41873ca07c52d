using Microsoft.AspNetCore.Http;
using Serverless.Core.Media;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/media</c>: uploads of the signed-in account, before they are attached to a status.</summary>
public static class MediaEndpoints
{
    /// <summary>Mastodon's answer for an upload whose processing failed (its media controller's <c>processing_error</c>).</summary>
    public const string ProcessingError = "Error processing thumbnail for uploaded media";

    /// <summary><c>POST /api/v1/media</c> (deprecated by Mastodon, still used by Tusky and Elk): processes the file before answering 200 with its URL.</summary>
    public static Task Create(ApiRequest request) => CreateAsync(request, MediaService.Processing.Inline);

    /// <summary>Reads the multipart upload, hands it to <see cref="MediaService.UploadAsync"/>, and answers 200 when ready or 202 while processing.</summary>
    internal static async Task CreateAsync(ApiRequest request, MediaService.Processing processing)
    {
        var upload = new MediaService.NewMedia(
            Uploaded(request.Params.GetFile("file")),
            Uploaded(request.Params.GetFile("thumbnail")),
            request.Params.GetString("description"),
            request.Params.GetString("focus"));
        var media = await request.Service<MediaService>().UploadAsync(request.CurrentAccount.Id, upload, processing, request.Aborted);
        await Render(request, media, media.State == MediaStates.Ready ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    /// <summary><c>GET /api/v1/media/:id</c>: 206 while processing, 200 when ready, 422 when processing failed.</summary>
    public static async Task Show(ApiRequest request)
    {
        var media = await request.Service<MediaService>().GetUnattachedAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await RenderWithState(request, media);
    }

    /// <summary><c>PUT /api/v1/media/:id</c>: description, focal point, and the thumbnail of a video or audio file.</summary>
    public static async Task Update(ApiRequest request)
    {
        var service = request.Service<MediaService>();
        var id = request.Route("id");
        var media = await service.GetUnattachedAsync(request.CurrentAccount.Id, id, request.Aborted);
        if (media.State == MediaStates.Failed)
        {
            throw ApiException.Unprocessable(ProcessingError);
        }

        media = await service.UpdateAsync(request.CurrentAccount.Id, id, request.Params.GetString("description"), request.Params.GetString("focus"), request.Aborted, Uploaded(request.Params.GetFile("thumbnail")));
        await RenderWithState(request, media);
    }

    /// <summary><c>DELETE /api/v1/media/:id</c> (Mastodon 4.4): removes an upload that no status uses.</summary>
    public static async Task Delete(ApiRequest request)
    {
        await request.Service<MediaService>().DeleteAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Raw("{}", "application/json; charset=utf-8");
    }

    private static Task RenderWithState(ApiRequest request, MediaAttachmentRecord media) => media.State switch
    {
        MediaStates.Failed => throw ApiException.Unprocessable(ProcessingError),
        MediaStates.Processing => Render(request, media, StatusCodes.Status206PartialContent),
        _ => Render(request, media, StatusCodes.Status200OK),
    };

    private static Task Render(ApiRequest request, MediaAttachmentRecord media, int status) =>
        request.Json(request.Service<EntityMapper>().ToMediaAttachment(media), MastodonJsonContext.Default.MediaAttachment, status);

    private static MediaService.UploadedFile? Uploaded(IFormFile? file) =>
        file is null ? null : new MediaService.UploadedFile(file.Length, file.OpenReadStream);
}
