using System.Globalization;
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
        var entity = await WithHistoryAsync(request, ToEntity(request, name, null));
        if (request.Account is { } viewer)
        {
            var tags = request.Service<TagService>();
            entity = entity with
            {
                Following = (await tags.FollowedAmongAsync(viewer.Id, [name], request.Aborted)).Contains(name),
                Featuring = (await tags.FeaturedAsync(viewer.Id, request.Aborted)).Any(f => f.Name == name),
            };
        }

        await request.Json(entity, FiltersJsonContext.Default.TagEntity);
    }

    /// <summary><c>POST /api/v1/tags/:id/feature</c>: features the hashtag on the user's profile (Mastodon 4.4); featuring it twice is fine.</summary>
    public static async Task Feature(ApiRequest request)
    {
        var name = TagService.NormalizeOrNotFound(request.Route("id"));
        var tags = request.Service<TagService>();
        if (!(await tags.FeaturedAsync(request.CurrentAccount.Id, request.Aborted)).Any(f => f.Name == name))
        {
            await tags.FeatureAsync(request.CurrentAccount.Id, name, request.Aborted);
        }

        await WriteWithRelationshipAsync(request, name, featuring: true);
    }

    /// <summary><c>POST /api/v1/tags/:id/unfeature</c>.</summary>
    public static async Task Unfeature(ApiRequest request)
    {
        var name = TagService.NormalizeOrNotFound(request.Route("id"));
        var tags = request.Service<TagService>();
        if ((await tags.FeaturedAsync(request.CurrentAccount.Id, request.Aborted)).FirstOrDefault(f => f.Name == name) is { } featured)
        {
            await tags.UnfeatureAsync(request.CurrentAccount.Id, featured.Id, request.Aborted);
        }

        await WriteWithRelationshipAsync(request, name, featuring: false);
    }

    private static async Task WriteWithRelationshipAsync(ApiRequest request, string name, bool featuring)
    {
        var following = (await request.Service<TagService>().FollowedAmongAsync(request.CurrentAccount.Id, [name], request.Aborted)).Contains(name);
        await request.Json(await WithHistoryAsync(request, ToEntity(request, name, following) with { Featuring = featuring }), FiltersJsonContext.Default.TagEntity);
    }

    public static async Task Follow(ApiRequest request)
    {
        var follow = await request.Service<TagService>().FollowAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(await WithHistoryAsync(request, ToEntity(request, follow.Name, true)), FiltersJsonContext.Default.TagEntity);
    }

    public static async Task Unfollow(ApiRequest request)
    {
        var name = TagService.NormalizeOrNotFound(request.Route("id"));
        await request.Service<TagService>().UnfollowAsync(request.CurrentAccount.Id, name, request.Aborted);
        await request.Json(await WithHistoryAsync(request, ToEntity(request, name, false)), FiltersJsonContext.Default.TagEntity);
    }

    /// <summary>The Tag entity, without its history (<see cref="WithHistoryAsync(ApiRequest, IReadOnlyList{TagEntity})"/> adds it).</summary>
    public static TagEntity ToEntity(ApiRequest request, string name, bool? following)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new TagEntity { Name = name, Url = $"{request.Instance.BaseUrl}/tags/{Uri.EscapeDataString(name)}", Following = following };
    }

    public static async Task<TagEntity> WithHistoryAsync(ApiRequest request, TagEntity entity) => (await WithHistoryAsync(request, [entity]))[0];

    /// <summary>Adds the last week's use of each tag, newest day first, as Mastodon: one batch of point reads for them all.</summary>
    public static async Task<List<TagEntity>> WithHistoryAsync(ApiRequest request, IReadOnlyList<TagEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entities);
        if (entities.Count == 0)
        {
            return [];
        }

        var names = entities.Select(e => TagService.Normalize(e.Name) ?? e.Name).ToList();
        var histories = await request.Service<TagService>().HistoryAsync(names, request.Aborted);
        return entities.Select((e, i) => e with
        {
            History = histories[names[i]].Select(d => new Entities.TagHistory(
                d.DayUnixSeconds.ToString(CultureInfo.InvariantCulture),
                d.Uses.ToString(CultureInfo.InvariantCulture),
                d.Accounts.ToString(CultureInfo.InvariantCulture))).ToList(),
        }).ToList();
    }
}
