using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.OAuth;
using Serverless.Core.Timelines;

namespace Serverless.Mastodon.Http;

/// <summary>
/// What a route handler gets: the HTTP context, the route values, the parameters of the query and
/// body in one reader, and the caller (token, account, user) when authenticated.
/// </summary>
public sealed class ApiRequest(HttpContext http, RouteValueDictionary routeValues, RequestParameters parameters, InstanceOptions instance)
{
    public HttpContext Http { get; } = http;

    public RouteValueDictionary RouteValues { get; } = routeValues;

    public RequestParameters Params { get; } = parameters;

    public InstanceOptions Instance { get; } = instance;

    public CancellationToken Aborted => Http.RequestAborted;

    public AccessTokenRecord? Token { get; internal set; }

    public AccountRecord? Account { get; internal set; }

    public UserRecord? User { get; internal set; }

    /// <summary>The signed-in account; routes declared <see cref="Authentication.User"/> always have one.</summary>
    public AccountRecord CurrentAccount => Account ?? throw ApiException.UserRequired();

    public UserRecord CurrentUser => User ?? throw ApiException.UserRequired();

    public T Service<T>()
        where T : notnull => Http.RequestServices.GetRequiredService<T>();

    public string Route(string name) => RouteValues.TryGetValue(name, out var value) && value?.ToString() is { } text ? text : "";

    /// <summary>Reads <c>max_id</c>, <c>since_id</c>, <c>min_id</c> and <c>limit</c> (default 20, at most <paramref name="maxLimit"/>).</summary>
    public PageRequest Page(int defaultLimit = 20, int maxLimit = 40)
    {
        var limit = Params.GetInt("limit") ?? defaultLimit;
        return new PageRequest(
            NullIfEmpty(Params.GetString("max_id")),
            NullIfEmpty(Params.GetString("since_id")),
            NullIfEmpty(Params.GetString("min_id")),
            Math.Clamp(limit, 1, maxLimit));
    }

    public Task Json<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        JsonBodyAsync(status, response => ResponseBuffer.Write(response, value, type));

    /// <summary>A list of statuses, written with the cached viewer-independent JSON of each (<see cref="Rendering.StatusJsonWriter"/>).</summary>
    public Task Statuses(IReadOnlyList<Entities.Status> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return JsonBodyAsync(StatusCodes.Status200OK, response => ResponseBuffer.WriteStatuses(response, statuses));
    }

    /// <summary>Sets the status and JSON content type, then (except for HEAD) writes the body and flushes it.</summary>
    private async Task JsonBodyAsync(int status, Action<HttpResponse> write)
    {
        Http.Response.StatusCode = status;
        Http.Response.ContentType = "application/json; charset=utf-8";
        if (HttpMethods.IsHead(Http.Request.Method))
        {
            return;
        }

        write(Http.Response);
        await Http.Response.BodyWriter.FlushAsync(Aborted);
    }

    /// <summary>
    /// Serialises into a reused per-thread buffer with the source generator's synchronous fast path,
    /// then hands the response one block with its <c>Content-Length</c>: serialising a large page
    /// straight into the response pipe takes the pipe's lock for every small chunk, contending with
    /// the socket sender, and an unsized body goes out chunked.
    /// </summary>
    public static async Task WriteJsonAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ResponseBuffer.Write(response, value, type);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a JSON body of another media type, such as <c>application/activity+json</c>.</summary>
    public async Task Raw(string body, string contentType, int status = StatusCodes.Status200OK)
    {
        Http.Response.StatusCode = status;
        Http.Response.ContentType = contentType;
        if (!HttpMethods.IsHead(Http.Request.Method))
        {
            await Http.Response.WriteAsync(body, Aborted);
        }
    }

    /// <summary>
    /// Emits Mastodon's <c>Link</c> header for a page whose items run from <paramref name="newestId"/>
    /// to <paramref name="oldestId"/>: <c>next</c> pages older (max_id), <c>prev</c> newer (min_id).
    /// URLs are absolute, on the host the client called.
    /// </summary>
    public void LinkHeader(string? newestId, string? oldestId)
    {
        if (newestId is null || oldestId is null)
        {
            return;
        }

        var next = PageUrl("max_id", oldestId);
        var prev = PageUrl("min_id", newestId);
        Http.Response.Headers.Link = $"<{next}>; rel=\"next\", <{prev}>; rel=\"prev\"";
    }

    private string PageUrl(string cursor, string id)
    {
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (key, values) in Http.Request.Query)
        {
            if (key is "max_id" or "min_id" or "since_id")
            {
                continue;
            }

            query.AddRange(values.Select(v => new KeyValuePair<string, string?>(key, v)));
        }

        query.Add(new(cursor, id));
        var host = Http.Request.Host.HasValue ? Http.Request.Host.Value : Instance.LocalDomain;
        return string.Create(CultureInfo.InvariantCulture, $"{Instance.Scheme}://{host}{Http.Request.PathBase}{Http.Request.Path}{QueryString.Create(query)}");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
