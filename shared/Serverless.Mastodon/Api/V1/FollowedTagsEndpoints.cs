using Serverless.Core.Tags;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/followed_tags</c>: the hashtags the user follows, newest first, paged by <c>Link</c> over the follow ids.</summary>
public static class FollowedTagsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var page = request.Page(defaultLimit: 100, maxLimit: 200);
        var follows = await request.Service<TagService>().FollowedAsync(request.CurrentAccount.Id, page, request.Aborted);
        if (follows.Count > 0)
        {
            request.LinkHeader(follows[0].Id, follows[^1].Id);
        }

        await request.Json(await TagsEndpoints.WithHistoryAsync(request, follows.Select(f => TagsEndpoints.ToEntity(request, f.Name, true)).ToList()), FiltersJsonContext.Default.ListTagEntity);
    }
}
