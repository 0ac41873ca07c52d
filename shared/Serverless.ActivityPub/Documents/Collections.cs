using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Documents;

/// <summary>
/// ActivityStreams collections as Mastodon pages them: the collection itself with
/// <c>totalItems</c> and a <c>first</c> page (<c>?page=true</c>), and pages with <c>partOf</c>,
/// <c>next</c> (older, <c>max_id</c>) and <c>prev</c> (newer, <c>min_id</c>). Ordered collections
/// carry their items in <c>orderedItems</c>, unordered ones in <c>items</c>.
/// </summary>
public static class Collections
{
    /// <summary>A collection with its size and a link to its first page (or no link, when its items are hidden).</summary>
    public static JsonObject Collection(string id, long? totalItems, string? first, bool ordered = true)
    {
        var collection = new JsonObject
        {
            ["@context"] = JsonLd.Context,
            ["id"] = id,
            ["type"] = ordered ? "OrderedCollection" : "Collection",
        };
        if (totalItems is { } total)
        {
            collection["totalItems"] = total;
        }

        if (first is not null)
        {
            collection["first"] = first;
        }

        return collection;
    }

    /// <summary>A collection that carries all its items itself (featured statuses, featured tags).</summary>
    public static JsonObject Inline(string id, JsonArray items, bool ordered = true) => new()
    {
        ["@context"] = JsonLd.Context,
        ["id"] = id,
        ["type"] = ordered ? "OrderedCollection" : "Collection",
        ["totalItems"] = items?.Count ?? 0,
        [ordered ? "orderedItems" : "items"] = items,
    };

    /// <summary>One page of a collection.</summary>
    public static JsonObject Page(string id, string partOf, JsonArray items, string? next, string? prev, long? totalItems = null, bool ordered = true)
    {
        var page = new JsonObject
        {
            ["@context"] = JsonLd.Context,
            ["id"] = id,
            ["type"] = ordered ? "OrderedCollectionPage" : "CollectionPage",
        };
        if (totalItems is { } total)
        {
            page["totalItems"] = total;
        }

        if (next is not null)
        {
            page["next"] = next;
        }

        if (prev is not null)
        {
            page["prev"] = prev;
        }

        page["partOf"] = partOf;
        page[ordered ? "orderedItems" : "items"] = items;
        return page;
    }

    /// <summary>The URL of a page: <c>{collection}?page=true</c> with an optional cursor.</summary>
    public static string PageUrl(string collection, string? maxId = null, string? minId = null)
    {
        var url = collection + "?page=true";
        if (maxId is not null)
        {
            url += "&max_id=" + Uri.EscapeDataString(maxId);
        }

        if (minId is not null)
        {
            url += "&min_id=" + Uri.EscapeDataString(minId);
        }

        return url;
    }
}
