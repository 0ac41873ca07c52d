using Serverless.Core.Tags;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/tags/:id</c> (a hashtag, with <c>following</c> for a signed-in viewer) and its <c>follow</c>/<c>unfollow</c>.</summary>
public static class TagsEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var name = TagService.NormalizeOrNotFound(request.Route("id"));
        bool? following = null;
        if (request.Account is { } viewer)
        {
            following = (await request.Service<TagService>().FollowedAmongAsync(viewer.Id, [name], request.Aborted)).Contains(name);
        }

        await request.Json(ToEntity(request, name, following), FiltersJsonContext.Default.TagEntity);
    }

    public static async Task Follow(ApiRequest request)
    {
        var follow = await request.Service<TagService>().FollowAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(ToEntity(request, follow.Name, true), FiltersJsonContext.Default.TagEntity);
    }

    public static async Task Unfollow(ApiRequest request)
    {
        var name = TagService.NormalizeOrNotFound(request.Route("id"));
        await request.Service<TagService>().UnfollowAsync(request.CurrentAccount.Id, name, request.Aborted);
        await request.Json(ToEntity(request, name, false), FiltersJsonContext.Default.TagEntity);
    }

    /// <summary>The Tag entity; usage history is not kept, so it is empty.</summary>
    public static TagEntity ToEntity(ApiRequest request, string name, bool? following)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new TagEntity { Name = name, Url = $"{request.Instance.BaseUrl}/tags/{Uri.EscapeDataString(name)}", Following = following };
    }
}
