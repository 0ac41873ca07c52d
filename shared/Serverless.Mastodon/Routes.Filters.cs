using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Http;
using static Serverless.Mastodon.Http.Authentication;
using V2 = Serverless.Mastodon.Api.V2;

namespace Serverless.Mastodon;

/// <summary>Filters (v2 and v1), followed and featured hashtags.</summary>
public static partial class Routes
{
    static partial void MapFilters(RouteTable table) => table
        .Get("/api/v2/filters", V2.FiltersEndpoints.Index, User, "read:filters")
        .Post("/api/v2/filters", V2.FiltersEndpoints.Create, User, "write:filters")
        .Get("/api/v2/filters/keywords/{id}", V2.Filters.KeywordsEndpoints.Show, User, "read:filters")
        .Put("/api/v2/filters/keywords/{id}", V2.Filters.KeywordsEndpoints.Update, User, "write:filters")
        .Delete("/api/v2/filters/keywords/{id}", V2.Filters.KeywordsEndpoints.Delete, User, "write:filters")
        .Get("/api/v2/filters/statuses/{id}", V2.Filters.StatusesEndpoints.Show, User, "read:filters")
        .Delete("/api/v2/filters/statuses/{id}", V2.Filters.StatusesEndpoints.Delete, User, "write:filters")
        .Get("/api/v2/filters/{id}", V2.FiltersEndpoints.Show, User, "read:filters")
        .Put("/api/v2/filters/{id}", V2.FiltersEndpoints.Update, User, "write:filters")
        .Delete("/api/v2/filters/{id}", V2.FiltersEndpoints.Delete, User, "write:filters")
        .Get("/api/v2/filters/{filter_id}/keywords", V2.Filters.KeywordsEndpoints.Index, User, "read:filters")
        .Post("/api/v2/filters/{filter_id}/keywords", V2.Filters.KeywordsEndpoints.Create, User, "write:filters")
        .Get("/api/v2/filters/{filter_id}/statuses", V2.Filters.StatusesEndpoints.Index, User, "read:filters")
        .Post("/api/v2/filters/{filter_id}/statuses", V2.Filters.StatusesEndpoints.Create, User, "write:filters")
        .Get("/api/v1/filters", FiltersEndpoints.Index, User, "read:filters")
        .Post("/api/v1/filters", FiltersEndpoints.Create, User, "write:filters")
        .Get("/api/v1/filters/{id}", FiltersEndpoints.Show, User, "read:filters")
        .Put("/api/v1/filters/{id}", FiltersEndpoints.Update, User, "write:filters")
        .Delete("/api/v1/filters/{id}", FiltersEndpoints.Delete, User, "write:filters")
        .Get("/api/v1/followed_tags", FollowedTagsEndpoints.Index, User, "read:follows follow")
        .Get("/api/v1/tags/{id}", TagsEndpoints.Show, Optional)
        .Post("/api/v1/tags/{id}/follow", TagsEndpoints.Follow, User, "write:follows follow")
        .Post("/api/v1/tags/{id}/unfollow", TagsEndpoints.Unfollow, User, "write:follows follow")
        .Post("/api/v1/tags/{id}/feature", TagsEndpoints.Feature, User, "write:accounts")
        .Post("/api/v1/tags/{id}/unfeature", TagsEndpoints.Unfeature, User, "write:accounts")
        .Get("/api/v1/featured_tags", FeaturedTagsEndpoints.Index, User, "read:accounts")
        .Post("/api/v1/featured_tags", FeaturedTagsEndpoints.Create, User, "write:accounts")
        .Get("/api/v1/featured_tags/suggestions", FeaturedTagsEndpoints.Suggestions, User, "read:accounts")
        .Delete("/api/v1/featured_tags/{id}", FeaturedTagsEndpoints.Delete, User, "write:accounts");
}
