using Serverless.Mastodon.Api.V1;
using Serverless.Mastodon.Api.V1.Accounts;
using Serverless.Mastodon.Http;
using static Serverless.Mastodon.Http.Authentication;

namespace Serverless.Mastodon;

/// <summary>Blocks, mutes and domain blocks of accounts; scopes as Mastodon's (<c>follow</c> covers the granular ones).</summary>
public static partial class Routes
{
    static partial void MapSafety(RouteTable table) => table
        .Post("/api/v1/accounts/{id}/block", AccountBlocksEndpoints.Block, User, "write:blocks")
        .Post("/api/v1/accounts/{id}/unblock", AccountBlocksEndpoints.Unblock, User, "write:blocks")
        .Post("/api/v1/accounts/{id}/mute", AccountMutesEndpoints.Mute, User, "write:mutes")
        .Post("/api/v1/accounts/{id}/unmute", AccountMutesEndpoints.Unmute, User, "write:mutes")
        .Get("/api/v1/blocks", BlocksEndpoints.Index, User, "read:blocks")
        .Get("/api/v1/mutes", MutesEndpoints.Index, User, "read:mutes")
        .Get("/api/v1/domain_blocks", DomainBlocksEndpoints.Index, User, "read:blocks")
        .Post("/api/v1/domain_blocks", DomainBlocksEndpoints.Create, User, "write:blocks")
        .Delete("/api/v1/domain_blocks", DomainBlocksEndpoints.Delete, User, "write:blocks");
}
