using Serverless.Core.Safety;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>GET /api/v1/mutes</c>: the accounts the user mutes (limit 40, at most 80; expired mutes left out), paged with <c>Link</c> on the muted account ids.</summary>
public static class MutesEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var mutes = await request.Service<SafetyService>().MutesAsync(request.CurrentAccount.Id, request.Page(40, 80), request.Aborted);
        await BlocksEndpoints.WriteAccountsAsync(request, mutes.Select(m => m.TargetAccountId).ToList());
    }
}
