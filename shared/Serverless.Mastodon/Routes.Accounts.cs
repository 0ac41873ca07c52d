using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Api.V1.Accounts;
using Serverless.Mastodon.Http;
using static Serverless.Mastodon.Http.Authentication;

namespace Serverless.Mastodon;

/// <summary>Accounts and the social graph: follows, follow requests, relationships, profiles, preferences.</summary>
public static partial class Routes
{
    static partial void MapAccounts(RouteTable table) => table

        // Literal segments win over {id} (ASP.NET Core precedence), as in Mastodon's routes.
        .Get("/api/v1/accounts/relationships", RelationshipsEndpoints.Index, User, "read:follows")
        .Get("/api/v1/accounts/familiar_followers", FamiliarFollowersEndpoints.Index, User, "read:follows")
        .Get("/api/v1/accounts/search", AccountSearchEndpoints.Index, User, "read:accounts")
        .Get("/api/v1/accounts/lookup", AccountLookupEndpoints.Show, Optional, "read:accounts")
        .Patch("/api/v1/accounts/update_credentials", CredentialsEndpoints.Update, User, "write:accounts")
        .Get("/api/v1/accounts/{id}/statuses", AccountStatusesEndpoints.Index, Optional, "read:statuses")
        .Get("/api/v1/accounts/{id}/followers", FollowerAccountsEndpoints.Index, Optional, "read:accounts")
        .Get("/api/v1/accounts/{id}/following", FollowingAccountsEndpoints.Index, Optional, "read:accounts")
        .Post("/api/v1/accounts/{id}/follow", AccountsEndpoints.Follow, User, "write:follows")
        .Post("/api/v1/accounts/{id}/unfollow", AccountsEndpoints.Unfollow, User, "write:follows")
        .Post("/api/v1/accounts/{id}/note", AccountNotesEndpoints.Create, User, "write:accounts")
        .Post("/api/v1/accounts/{id}/remove_from_followers", AccountsEndpoints.RemoveFromFollowers, User, "write:follows")
        .Get("/api/v1/accounts/{id}/featured_tags", AccountsEndpoints.FeaturedTags, Optional, "read:accounts")
        .Get("/api/v1/accounts", AccountsEndpoints.Index, Optional, "read:accounts")
        .Delete("/api/v1/profile/avatar", CredentialsEndpoints.DeleteAvatar, User, "write:accounts")
        .Delete("/api/v1/profile/header", CredentialsEndpoints.DeleteHeader, User, "write:accounts")
        .Get("/api/v1/endorsements", AccountsEndpoints.Endorsements, User, "read:accounts")

        .Get("/api/v1/follow_requests", FollowRequestsEndpoints.Index, User, "read:follows")
        .Post("/api/v1/follow_requests/{id}/authorize", FollowRequestsEndpoints.Authorize, User, "write:follows")
        .Post("/api/v1/follow_requests/{id}/reject", FollowRequestsEndpoints.Reject, User, "write:follows")

        .Get("/api/v1/preferences", PreferencesEndpoints.Show, User, "read:accounts");
}
