using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Core.Polls;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary>What the statuses endpoints share: answering with one status as the caller sees it, and reading a status's parameters.</summary>
internal static class StatusResponses
{
    /// <summary>Writes one status with the caller's flags (favourited, reblogged, …) and fresh counts.</summary>
    public static async Task WriteAsync(ApiRequest request, string statusId)
    {
        var views = await request.Service<TimelineService>().RenderAsync([statusId], request.Account, _ => true, Core.Safety.SafetyScope.Status, request.Aborted);
        var view = views.Count == 1 ? views[0] : throw ApiException.NotFound();
        var renderer = await request.StatusRendererAsync(Core.Filters.FilterContexts.Thread);
        await request.Json(renderer.Render(view), MastodonJsonContext.Default.Status);
    }

    /// <summary><c>media_ids[]</c> (form, query or JSON array).</summary>
    public static IReadOnlyList<string> MediaIds(RequestParameters parameters) =>
        parameters.GetStrings("media_ids").Where(id => id.Length > 0).ToList();

    /// <summary>
    /// <c>poll[options][]</c>, <c>poll[expires_in]</c>, <c>poll[multiple]</c>, <c>poll[hide_totals]</c>
    /// (or a JSON <c>poll</c> object); null when no poll was sent.
    /// </summary>
    public static PollRequest? Poll(RequestParameters parameters)
    {
        if (parameters.Get("poll") is not JsonObject poll)
        {
            return null;
        }

        var options = poll["options"] switch
        {
            JsonArray array => array.Select(Text).OfType<string>().ToList(),
            JsonObject indexed => indexed.Select(p => Text(p.Value)).OfType<string>().ToList(),
            JsonValue single => Text(single) is { } one ? [one] : [],
            _ => [],
        };

        // A poll without a duration has no end, which Mastodon rejects as too far into the future.
        var expiresIn = Text(poll["expires_in"]) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw ApiException.Unprocessable("Validation failed: Poll expires in is not a number")
            : int.MaxValue;
        return new PollRequest(options, expiresIn, Flag(poll["multiple"]), Flag(poll["hide_totals"]));
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    private static bool Flag(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var b)
            ? b
            : Text(node)?.Trim().ToLowerInvariant() is "true" or "1" or "on" or "t" or "yes";
}
