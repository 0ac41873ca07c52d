using System.Text.Json.Nodes;
using Serverless.Core.Filters;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V2;

/// <summary><c>/api/v2/filters</c>: the viewer's filters with their keywords and statuses.</summary>
public static class FiltersEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var filters = await request.Service<FilterService>().ListAsync(request.CurrentAccount.Id, request.Aborted);
        await request.Json(filters.Select(ToEntity).ToList(), FiltersJsonContext.Default.ListFilterEntity);
    }

    public static async Task Show(ApiRequest request)
    {
        var filter = await request.Service<FilterService>().GetAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(ToEntity(filter), FiltersJsonContext.Default.FilterEntity);
    }

    public static async Task Create(ApiRequest request)
    {
        var filter = await request.Service<FilterService>().CreateAsync(request.CurrentAccount.Id, ReadInput(request.Params), request.Aborted);
        await request.Json(ToEntity(filter), FiltersJsonContext.Default.FilterEntity);
    }

    public static async Task Update(ApiRequest request)
    {
        var filter = await request.Service<FilterService>().UpdateAsync(request.CurrentAccount.Id, request.Route("id"), ReadInput(request.Params), request.Aborted);
        await request.Json(ToEntity(filter), FiltersJsonContext.Default.FilterEntity);
    }

    public static async Task Delete(ApiRequest request)
    {
        await request.Service<FilterService>().DeleteAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Json(new EmptyObject(), FiltersJsonContext.Default.EmptyObject);
    }

    public static FilterEntity ToEntity(FilterRecord filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new FilterEntity
        {
            Id = filter.Id,
            Title = filter.Title,
            Context = filter.Context.ToList(),
            ExpiresAt = filter.ExpiresAt is { } at ? EntityMapper.Timestamp(at) : null,
            FilterAction = filter.Action,
            Keywords = filter.Keywords.Select(ToEntity).ToList(),
            Statuses = filter.Statuses.Select(ToEntity).ToList(),
        };
    }

    public static FilterKeywordEntity ToEntity(FilterKeywordRecord keyword)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return new FilterKeywordEntity(keyword.Id, keyword.Keyword, keyword.WholeWord);
    }

    public static FilterStatusEntity ToEntity(FilterStatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new FilterStatusEntity(status.Id, status.StatusId);
    }

    /// <summary>
    /// <c>title</c>, <c>context[]</c>, <c>filter_action</c>, <c>expires_in</c> (empty: never) and
    /// <c>keywords_attributes[]</c> as JSON objects or Rails-style indexed form fields.
    /// </summary>
    private static FilterInput ReadInput(RequestParameters parameters)
    {
        var expiresIn = parameters.Get("expires_in");
        return new FilterInput
        {
            Title = parameters.GetString("title"),
            Context = parameters.Get("context") is null ? null : parameters.GetStrings("context"),
            Action = NullIfEmpty(parameters.GetString("filter_action")),
            SetsExpiry = expiresIn is not null,
            ExpiresIn = parameters.GetInt("expires_in"),
            Keywords = KeywordAttributes(parameters.Get("keywords_attributes")),
        };
    }

    private static List<KeywordInput> KeywordAttributes(JsonNode? node)
    {
        IEnumerable<JsonNode?> items = node switch
        {
            JsonArray array => array,
            JsonObject indexed => indexed.Select(p => p.Value),
            _ => [],
        };
        var result = new List<KeywordInput>();
        foreach (var item in items.OfType<JsonObject>())
        {
            result.Add(new KeywordInput(
                NullIfEmpty(Text(item["id"])),
                Text(item["keyword"]),
                Flag(item["whole_word"], "whole_word"),
                Flag(item["_destroy"], "_destroy") == true));
        }

        return result;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>Mastodon's booleans inside nested attributes, as <see cref="RequestParameters.GetBool"/> reads them.</summary>
    private static bool? Flag(JsonNode? node, string name)
    {
        if (node is JsonValue value && value.TryGetValue<bool>(out var b))
        {
            return b;
        }

        return Text(node)?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "on" or "t" or "yes" => true,
            "false" or "0" or "off" or "f" or "no" or "" => false,
            _ => throw ApiException.Unprocessable($"Validation failed: {name} is not a boolean"),
        };
    }
}
