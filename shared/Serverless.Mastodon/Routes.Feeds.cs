using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Api.V1.Timelines;
using Serverless.Mastodon.Http;
using static Serverless.Mastodon.Http.Authentication;
using V2 = Serverless.Mastodon.Api.V2;

namespace Serverless.Mastodon;

/// <summary>Timelines beyond home and public, notifications, lists, markers, search, and the start-up extras.</summary>
public static partial class Routes
{
    static partial void MapTimelines(RouteTable table) => table
        .Get("/api/v1/timelines/tag/{hashtag}", TagEndpoints.Show, Optional, "read:statuses")
        .Get("/api/v1/timelines/list/{list_id}", ListEndpoints.Show, User, "read:lists")
        .Get("/api/v1/markers", MarkersEndpoints.Index, User, "read:statuses")
        .Post("/api/v1/markers", MarkersEndpoints.Create, User, "write:statuses")
        .Get("/api/v1/favourites", SavedStatusesEndpoints.Favourites, User, "read:favourites")
        .Get("/api/v1/bookmarks", SavedStatusesEndpoints.Bookmarks, User, "read:bookmarks")
        .Get("/api/v1/conversations", ConversationsEndpoints.Index, User, "read:statuses")
        .Post("/api/v1/conversations/{id}/read", ConversationsEndpoints.Read, User, "write:conversations")
        .Delete("/api/v1/conversations/{id}", ConversationsEndpoints.Delete, User, "write:conversations");

    static partial void MapNotifications(RouteTable table) => table
        .Get("/api/v1/notifications", NotificationsEndpoints.Index, User, "read:notifications")
        .Get("/api/v1/notifications/unread_count", NotificationsEndpoints.UnreadCount, User, "read:notifications")
        .Post("/api/v1/notifications/clear", NotificationsEndpoints.Clear, User, "write:notifications")
        .Get("/api/v1/notifications/{id}", NotificationsEndpoints.Show, User, "read:notifications")
        .Post("/api/v1/notifications/{id}/dismiss", NotificationsEndpoints.Dismiss, User, "write:notifications")
        .Get("/api/v2/notifications", V2.NotificationsEndpoints.Index, User, "read:notifications")
        .Get("/api/v2/notifications/unread_count", V2.NotificationsEndpoints.UnreadCount, User, "read:notifications")
        .Post("/api/v2/notifications/{group_key}/dismiss", V2.NotificationsEndpoints.Dismiss, User, "write:notifications");

    static partial void MapLists(RouteTable table) => table
        .Get("/api/v1/lists", ListsEndpoints.Index, User, "read:lists")
        .Post("/api/v1/lists", ListsEndpoints.Create, User, "write:lists")
        .Get("/api/v1/lists/{id}", ListsEndpoints.Show, User, "read:lists")
        .Put("/api/v1/lists/{id}", ListsEndpoints.Update, User, "write:lists")
        .Delete("/api/v1/lists/{id}", ListsEndpoints.Delete, User, "write:lists")
        .Get("/api/v1/lists/{id}/accounts", ListsEndpoints.Accounts, User, "read:lists")
        .Post("/api/v1/lists/{id}/accounts", ListsEndpoints.AddAccounts, User, "write:lists")
        .Delete("/api/v1/lists/{id}/accounts", ListsEndpoints.RemoveAccounts, User, "write:lists")
        .Get("/api/v1/accounts/{id}/lists", ListsEndpoints.ContainingAccount, User, "read:lists");

    static partial void MapSearch(RouteTable table) => table
        .Get("/api/v2/search", V2.SearchEndpoints.Index, Optional, "read:search");

    static partial void MapInstanceExtras(RouteTable table) => table
        .Get("/api/v1/custom_emojis", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/announcements", InstanceExtrasEndpoints.EmptyList, User, "read")
        .Get("/api/v1/trends", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/trends/tags", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/trends/statuses", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/trends/links", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/suggestions", InstanceExtrasEndpoints.EmptyList, User, "read")
        .Get("/api/v2/suggestions", InstanceExtrasEndpoints.EmptyList, User, "read")
        .Get("/api/v1/instance/peers", InstanceExtrasEndpoints.EmptyStringList)
        .Get("/api/v1/instance/activity", InstanceExtrasEndpoints.EmptyList)
        .Get("/api/v1/instance/extended_description", InstanceExtrasEndpoints.ExtendedDescription)
        .Get("/api/v1/instance/translation_languages", InstanceExtrasEndpoints.EmptyObject);
}
