using Serverless.Core.Polls;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/polls/:id</c>: a poll whose status the caller may see (totals hidden as its author asked).</summary>
public static class PollsEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var (poll, ownVotes) = await request.Service<VoteService>().GetAsync(request.Route("id"), request.Account, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToPoll(poll, ownVotes, request.Account is not null), MastodonJsonContext.Default.Poll);
    }
}
