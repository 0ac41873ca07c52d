using System.Globalization;
using Serverless.Core.Polls;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Polls;

/// <summary><c>POST /api/v1/polls/:id/votes</c> with <c>choices[]</c> (option indexes): answers with the poll.</summary>
public static class VotesEndpoints
{
    public static async Task Create(ApiRequest request)
    {
        var raw = request.Params.GetStrings("choices");
        if (raw.Count == 0)
        {
            throw ApiException.BadRequest("param is missing or the value is empty: choices");
        }

        var choices = raw.Select(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        var (poll, ownVotes) = await request.Service<VoteService>().VoteAsync(request.CurrentAccount, request.Route("id"), choices, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToPoll(poll, ownVotes, signedIn: true), MastodonJsonContext.Default.Poll);
    }
}
