using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary>
/// Endpoints that clients call at start-up and for which this server has nothing to show yet:
/// custom emojis, announcements, trends, suggestions, peers, activity, rules. Each answers the
/// empty but valid shape Mastodon gives on a fresh instance, so clients don't fail.
/// </summary>
public static class InstanceExtrasEndpoints
{
    public static Task EmptyList(ApiRequest request) => request.Json(new List<EmptyObject>(), FeedsJsonContext.Default.ListEmptyObject);

    public static Task EmptyStringList(ApiRequest request) => request.Json(new List<string>(), FeedsJsonContext.Default.ListString);

    public static Task EmptyObject(ApiRequest request) => request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);

    public static Task ExtendedDescription(ApiRequest request) =>
        request.Json(new ExtendedDescription(null, $"<p>{System.Net.WebUtility.HtmlEncode(request.Instance.Description)}</p>"), FeedsJsonContext.Default.ExtendedDescription);
}
