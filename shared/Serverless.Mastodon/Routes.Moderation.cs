using Serverless.Mastodon.Api.V1.Admin;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Pages;
using static Serverless.Mastodon.Http.Authentication;
using UserReports = Serverless.Mastodon.Api.V1.ReportsEndpoints;

namespace Serverless.Mastodon;

/// <summary>Reports, the admin API (moderators only: the caller's role is checked in each handler) and the admin pages.</summary>
public static partial class Routes
{
    static partial void MapModeration(RouteTable table) => table
        .Post("/api/v1/reports", UserReports.Create, User, "write:reports")

        // Public side of moderation.
        .Get("/api/v1/instance/rules", InstanceModerationEndpoints.Rules)
        .Get("/api/v1/instance/domain_blocks", InstanceModerationEndpoints.DomainBlocks)

        // Admin: accounts.
        .Get("/api/v1/admin/accounts", AccountsEndpoints.Index, User, "admin:read:accounts")
        .Get("/api/v2/admin/accounts", Api.V2.Admin.AccountsEndpoints.Index, User, "admin:read:accounts")
        .Get("/api/v1/admin/accounts/{id}", AccountsEndpoints.Show, User, "admin:read:accounts")
        .Post("/api/v1/admin/accounts/{id}/action", AccountsEndpoints.Action, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/approve", AccountsEndpoints.Approve, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/reject", AccountsEndpoints.Reject, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/enable", AccountsEndpoints.Enable, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/unsilence", AccountsEndpoints.Unsilence, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/unsuspend", AccountsEndpoints.Unsuspend, User, "admin:write:accounts")
        .Post("/api/v1/admin/accounts/{id}/unsensitive", AccountsEndpoints.Unsensitive, User, "admin:write:accounts")

        // Admin: reports.
        .Get("/api/v1/admin/reports", ReportsEndpoints.Index, User, "admin:read:reports")
        .Get("/api/v1/admin/reports/{id}", ReportsEndpoints.Show, User, "admin:read:reports")
        .Post("/api/v1/admin/reports/{id}/assign_to_self", ReportsEndpoints.AssignToSelf, User, "admin:write:reports")
        .Post("/api/v1/admin/reports/{id}/unassign", ReportsEndpoints.Unassign, User, "admin:write:reports")
        .Post("/api/v1/admin/reports/{id}/resolve", ReportsEndpoints.Resolve, User, "admin:write:reports")
        .Post("/api/v1/admin/reports/{id}/reopen", ReportsEndpoints.Reopen, User, "admin:write:reports")

        // Admin: domain blocks and allows.
        .Get("/api/v1/admin/domain_blocks", DomainBlocksEndpoints.Index, User, "admin:read:domain_blocks")
        .Get("/api/v1/admin/domain_blocks/{id}", DomainBlocksEndpoints.Show, User, "admin:read:domain_blocks")
        .Post("/api/v1/admin/domain_blocks", DomainBlocksEndpoints.Create, User, "admin:write:domain_blocks")
        .Put("/api/v1/admin/domain_blocks/{id}", DomainBlocksEndpoints.Update, User, "admin:write:domain_blocks")
        .Delete("/api/v1/admin/domain_blocks/{id}", DomainBlocksEndpoints.Delete, User, "admin:write:domain_blocks")
        .Get("/api/v1/admin/domain_allows", DomainAllowsEndpoints.Index, User, "admin:read:domain_allows")
        .Get("/api/v1/admin/domain_allows/{id}", DomainAllowsEndpoints.Show, User, "admin:read:domain_allows")
        .Post("/api/v1/admin/domain_allows", DomainAllowsEndpoints.Create, User, "admin:write:domain_allows")
        .Delete("/api/v1/admin/domain_allows/{id}", DomainAllowsEndpoints.Delete, User, "admin:write:domain_allows")

        // The admin pages (under /moderation: the Functions host keeps /admin for itself).
        .Get("/moderation", AdminPages.Home)
        .Get("/moderation/reports", AdminPages.Reports)
        .Post("/moderation/reports/{id}/resolve", AdminPages.Resolve)
        .Get("/moderation/domain_blocks", AdminPages.DomainBlocks)
        .Post("/moderation/domain_blocks", AdminPages.CreateDomainBlock)
        .Post("/moderation/domain_blocks/{id}/delete", AdminPages.DeleteDomainBlock)
        .Get("/moderation/rules", AdminPages.Rules)
        .Post("/moderation/rules", AdminPages.CreateRule)
        .Post("/moderation/rules/{id}/delete", AdminPages.DeleteRule)
        .Post("/moderation/sign_in", AdminPages.SignIn)
        .Post("/moderation/sign_out", AdminPages.SignOut);
}
