using Serverless.Core.Timelines;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Timelines;

/// <summary>
/// <c>GET /api/v1/timelines/tag/:hashtag</c>: public statuses with the tag, or with <c>any[]</c> of
/// more tags, keeping only those with <c>all[]</c> and without <c>none[]</c>; <c>local</c> narrows
/// to local statuses, <c>only_media</c> to statuses with media.
/// </summary>
public static class TagEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var tag = Normalize(request.Route("hashtag"));
        var any = request.Params.GetStrings("any").Select(Normalize).Where(t => t.Length > 0);
        var all = request.Params.GetStrings("all").Select(Normalize).Where(t => t.Length > 0).ToList();
        var none = request.Params.GetStrings("none").Select(Normalize).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        var local = request.Params.GetBool("local") == true;
        var remote = request.Params.GetBool("remote") == true;
        var onlyMedia = request.Params.GetBool("only_media") == true;

        var keys = new[] { tag }.Concat(any).Distinct(StringComparer.Ordinal).Take(5)
            .Select(t => local ? TimelineKeys.LocalTag(t) : TimelineKeys.Tag(t))
            .ToList();
        var page = request.Page();
        bool Keep(Core.Statuses.StatusRecord s) =>
            Visible.Public(s)
            && all.All(s.Tags.Contains)
            && !s.Tags.Any(none.Contains)
            && (!remote || !s.Local)
            && (!onlyMedia || s.MediaIds.Count > 0);

        var statuses = await request.Service<TimelineService>().ReadMergedAsync(keys, page, request.Account, Keep, request.Aborted);
        await TimelineResponse.WriteAsync(request, statuses);
    }

    private static string Normalize(string tag) => tag.TrimStart('#').Trim().ToLowerInvariant();
}
