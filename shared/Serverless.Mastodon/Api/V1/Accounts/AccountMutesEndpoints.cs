using Serverless.Core.Safety;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary>
/// <c>POST /api/v1/accounts/:id/mute</c> (<c>notifications</c>, default true; <c>duration</c> in seconds,
/// 0 for indefinite) and <c>unmute</c>: each answers the Relationship.
/// </summary>
public static class AccountMutesEndpoints
{
    public static async Task Mute(ApiRequest request)
    {
        var seconds = request.Params.GetInt("duration") ?? 0;
        var target = await request.Service<SafetyService>().MuteAsync(
            request.CurrentAccount,
            request.Route("id"),
            request.Params.GetBool("notifications") ?? true,
            seconds == 0 ? null : TimeSpan.FromSeconds(seconds),
            request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, target.Id);
    }

    public static async Task Unmute(ApiRequest request)
    {
        var target = await request.Service<SafetyService>().UnmuteAsync(request.CurrentAccount, request.Route("id"), request.Aborted);
        await AccountsResponses.WriteRelationshipAsync(request, target.Id);
    }
}
