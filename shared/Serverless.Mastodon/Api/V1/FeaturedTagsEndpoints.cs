using System.Globalization;
using Serverless.Core.Accounts;
using Serverless.Core.Tags;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary>
/// <c>/api/v1/featured_tags</c> (the user's featured hashtags, and suggestions from their recent
/// posts) and <c>GET /api/v1/accounts/:id/featured_tags</c> (anyone's).
/// </summary>
public static class FeaturedTagsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var featured = await request.Service<TagService>().FeaturedAsync(request.CurrentAccount.Id, request.Aborted);
        await request.Json(featured.Select(f => ToEntity(request.CurrentAccount, f)).ToList(), FiltersJsonContext.Default.ListFeaturedTagEntity);
    }

    public static async Task Create(ApiRequest request)
    {
        var featured = await request.Service<TagService>().FeatureAsync(request.CurrentAccount.Id, request.Params.GetString("name"), request.Aborted);
        await request.Json(ToEntity(request.CurrentAccount, featured), FiltersJsonContext.Default.FeaturedTagEntity);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<TagService>().UnfeatureAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FiltersJsonContext.Default.EmptyObject);
    }

    /// <summary><c>GET /api/v1/featured_tags/suggestions</c>: the hashtags the user used most lately and does not feature.</summary>
    public static async Task Suggestions(ApiRequest request)
    {
        var tags = request.Service<TagService>();
        var names = await tags.SuggestionsAsync(request.CurrentAccount.Id, request.Aborted);
        var followed = await tags.FollowedAmongAsync(request.CurrentAccount.Id, names, request.Aborted);
        await request.Json(await TagsEndpoints.WithHistoryAsync(request, names.Select(n => TagsEndpoints.ToEntity(request, n, followed.Contains(n))).ToList()), FiltersJsonContext.Default.ListTagEntity);
    }

    /// <summary><c>GET /api/v1/accounts/:id/featured_tags</c>.</summary>
    public static async Task ForAccount(ApiRequest request)
    {
        var account = await request.Service<AccountService>().GetAsync(request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        var featured = account.IsLocal ? await request.Service<TagService>().FeaturedAsync(account.Id, request.Aborted) : [];
        await request.Json(featured.Select(f => ToEntity(account, f)).ToList(), FiltersJsonContext.Default.ListFeaturedTagEntity);
    }

    private static FeaturedTagEntity ToEntity(AccountRecord account, FeaturedTagRecord featured) => new()
    {
        Id = featured.Id,
        Name = featured.Name,
        Url = $"{account.Url}/tagged/{Uri.EscapeDataString(featured.Name)}",
        StatusesCount = Math.Max(0, featured.StatusesCount),
        // Mastodon gives the day of the last post.
        LastStatusAt = featured.LastStatusAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
