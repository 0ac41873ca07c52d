using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Api.V1.Accounts;
using Serverless.Mastodon.Api.V1.Timelines;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.OAuth;
using static Serverless.Mastodon.Http.Authentication;
using V2 = Serverless.Mastodon.Api.V2;

namespace Serverless.Mastodon;

/// <summary>
/// Every route the server answers, in one place: find an endpoint here, then open its file.
/// Templates are ASP.NET Core route templates; scopes are Mastodon's (alternatives separated by a space).
/// </summary>
/// <remarks>
/// Areas that grow large keep their routes in <c>Routes.{Area}.cs</c> beside this file; each
/// implements one of the partial methods below, which <see cref="Build"/> calls in order.
/// </remarks>
public static partial class Routes
{
    public static RouteTable Build()
    {
        var table = Core(new RouteTable());
        MapOAuth(table);
        MapAccounts(table);
        MapStatuses(table);
        MapMedia(table);
        MapTimelines(table);
        MapNotifications(table);
        MapLists(table);
        MapSearch(table);
        MapInstanceExtras(table);
        MapPages(table);
        MapActivityPub(table);
        MapFederation(table);
        MapStreaming(table);
        MapSafety(table);
        MapModeration(table);
        MapFilters(table);
        return table;
    }

    static partial void MapOAuth(RouteTable table);

    static partial void MapAccounts(RouteTable table);

    static partial void MapStatuses(RouteTable table);

    static partial void MapMedia(RouteTable table);

    static partial void MapTimelines(RouteTable table);

    static partial void MapNotifications(RouteTable table);

    static partial void MapLists(RouteTable table);

    static partial void MapSearch(RouteTable table);

    static partial void MapInstanceExtras(RouteTable table);

    static partial void MapPages(RouteTable table);

    /// <summary>ActivityPub documents and collections, discovery (Routes.ActivityPub.cs).</summary>
    static partial void MapActivityPub(RouteTable table);

    /// <summary>Inboxes (Routes.Federation.cs).</summary>
    static partial void MapFederation(RouteTable table);

    /// <summary>The hosted streaming service's webhook (Routes.Streaming.cs).</summary>
    static partial void MapStreaming(RouteTable table);

    /// <summary>Blocks, mutes and domain blocks of accounts (Routes.Safety.cs).</summary>
    static partial void MapSafety(RouteTable table);

    /// <summary>Reports, the admin API and the admin pages (Routes.Moderation.cs).</summary>
    static partial void MapModeration(RouteTable table);

    /// <summary>Filters, followed and featured tags (Routes.Filters.cs).</summary>
    static partial void MapFilters(RouteTable table);

    /// <summary>The first slice's routes.</summary>
    private static RouteTable Core(RouteTable table) => table

        // OAuth
        .Post("/oauth/token", TokensEndpoints.Create)
        .Post("/oauth/revoke", TokensEndpoints.Revoke)

        // Client API: apps and accounts
        .Post("/api/v1/apps", AppsEndpoints.Create)
        .Get("/api/v1/apps/verify_credentials", AppsEndpoints.VerifyCredentials, App)
        .Post("/api/v1/accounts", AccountsEndpoints.Create, App, "write:accounts")
        .Get("/api/v1/accounts/verify_credentials", CredentialsEndpoints.Show, User, "read:accounts profile")
        .Get("/api/v1/accounts/{id}", AccountsEndpoints.Show, Optional, "read:accounts")

        // Client API: statuses and timelines
        .Post("/api/v1/statuses", StatusesEndpoints.Create, User, "write:statuses")
        .Get("/api/v1/statuses/{id}", StatusesEndpoints.Show, Optional, "read:statuses")
        .Get("/api/v1/timelines/home", HomeEndpoints.Show, User, "read:statuses")
        .Get("/api/v1/timelines/public", PublicEndpoints.Show, Optional, "read:statuses")

        // Client API: instance
        .Get("/api/v1/instance", InstancesEndpoints.Show)
        .Get("/api/v2/instance", V2.InstancesEndpoints.Show);

    // Discovery, ActivityPub documents and profile pages: Routes.ActivityPub.cs.
}
