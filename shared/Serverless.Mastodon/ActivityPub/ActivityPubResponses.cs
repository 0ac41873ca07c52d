using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Documents;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>How ActivityPub documents go out: <c>application/activity+json</c>, <c>Vary: Accept</c>, Mastodon's cache lifetimes.</summary>
public static class ActivityPubResponses
{
    public const string ContentType = ActivityStreams.ContentType + "; charset=utf-8";

    /// <summary>Mastodon lets shared caches keep public documents (actors, statuses, collections) for three minutes.</summary>
    public const string PublicCache = "max-age=180, public";

    /// <summary>Pages of collections change with every post: not cached.</summary>
    public const string NoCache = "max-age=0, public";

    /// <summary>True when the request asks for ActivityPub JSON rather than a page.</summary>
    public static bool WantsActivityJson(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ActivityStreams.IsRequestedBy(request.Http.Request.Headers.Accept.ToString());
    }

    public static async Task WriteAsync(ApiRequest request, JsonNode document, string? cacheControl = PublicCache, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(document);
        var response = request.Http.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers.Vary = request.Instance.AuthorizedFetch ? "Accept, Signature" : "Accept";
        if (cacheControl is not null)
        {
            // What a signer may see is for that signer only: shared caches must not keep it.
            response.Headers.CacheControl = SignedFetch.DependsOnSigner(request) ? cacheControl.Replace("public", "private", StringComparison.Ordinal) : cacheControl;
        }

        if (HttpMethods.IsHead(request.Http.Request.Method))
        {
            return;
        }

        JsonLd.WriteTo(document, response.BodyWriter);
        await response.BodyWriter.FlushAsync(request.Aborted);
    }

    /// <summary>A plain JSON document of another media type (WebFinger, NodeInfo, host-meta JSON).</summary>
    public static async Task WriteJsonAsync(ApiRequest request, JsonNode document, string contentType, string? cacheControl = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(document);
        var response = request.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (cacheControl is not null)
        {
            response.Headers.CacheControl = cacheControl;
        }

        if (HttpMethods.IsHead(request.Http.Request.Method))
        {
            return;
        }

        JsonLd.WriteTo(document, response.BodyWriter);
        await response.BodyWriter.FlushAsync(request.Aborted);
    }

    /// <summary>A redirect (302), as Mastodon answers profile and status pages asked for as ActivityPub.</summary>
    public static void Redirect(ApiRequest request, string location)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Http.Response.Headers.Vary = "Accept";
        request.Http.Response.Headers.Location = location;
        request.Http.Response.StatusCode = StatusCodes.Status302Found;
    }
}
