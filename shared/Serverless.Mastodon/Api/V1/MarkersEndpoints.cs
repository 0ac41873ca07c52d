using Serverless.Core.Markers;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/markers</c>: read positions in home and notifications.</summary>
public static class MarkersEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var asked = request.Params.GetStrings("timeline");
        var markers = request.Service<MarkerService>();
        var result = new Dictionary<string, Marker>(StringComparer.Ordinal);
        foreach (var timeline in (asked.Count == 0 ? MarkerService.Timelines : asked).Where(MarkerService.Timelines.Contains).Distinct(StringComparer.Ordinal))
        {
            if (await markers.GetAsync(request.CurrentAccount.Id, timeline, request.Aborted) is { } marker)
            {
                result[timeline] = ToEntity(marker);
            }
        }

        await request.Json(result, FeedsJsonContext.Default.DictionaryStringMarker);
    }

    /// <summary><c>POST /api/v1/markers</c> with <c>home[last_read_id]</c> and/or <c>notifications[last_read_id]</c>.</summary>
    public static async Task Create(ApiRequest request)
    {
        var markers = request.Service<MarkerService>();
        var result = new Dictionary<string, Marker>(StringComparer.Ordinal);
        foreach (var timeline in MarkerService.Timelines)
        {
            var lastRead = request.Params.Get(timeline)?["last_read_id"]?.ToString();
            if (string.IsNullOrEmpty(lastRead))
            {
                continue;
            }

            if (!Core.Ids.SnowflakeIds.TryParse(lastRead, out _))
            {
                throw ApiException.Unprocessable("Validation failed: Last read id is invalid");
            }

            result[timeline] = ToEntity(await markers.SaveAsync(request.CurrentAccount.Id, timeline, lastRead, request.Aborted));
        }

        if (result.Count == 0)
        {
            throw ApiException.BadRequest("home[last_read_id] or notifications[last_read_id] is required");
        }

        await request.Json(result, FeedsJsonContext.Default.DictionaryStringMarker);
    }

    private static Marker ToEntity(MarkerRecord marker) => new(marker.LastReadId, marker.Version, EntityMapper.Timestamp(marker.UpdatedAt));
}
