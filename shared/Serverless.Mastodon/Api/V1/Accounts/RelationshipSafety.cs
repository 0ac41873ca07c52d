using Serverless.Core.Accounts;
using Serverless.Core.Safety;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V1.Accounts;

/// <summary>Fills a Relationship's <c>blocking</c>, <c>blocked_by</c>, <c>muting</c>, <c>muting_notifications</c> and <c>domain_blocking</c> from the viewer's loaded safety sets.</summary>
internal static class RelationshipSafety
{
    public static async Task<List<Relationship>> ApplyAsync(ApiRequest request, IReadOnlyList<Relationship> relationships, IReadOnlyList<AccountRecord>? known = null)
    {
        var safety = await request.Service<StatusFilter>().ForViewerAsync(request.CurrentAccount, request.Aborted);
        if (safety.IsEmpty)
        {
            return relationships.ToList();
        }

        var targets = (known ?? await request.Service<AccountService>().GetManyAsync(relationships.Select(r => r.Id), request.Aborted))
            .ToDictionary(a => a.Id, StringComparer.Ordinal);
        return relationships.Select(r => r with
        {
            Blocking = safety.IsBlocking(r.Id),
            BlockedBy = safety.IsBlockedBy(r.Id),
            Muting = safety.IsMuting(r.Id),
            MutingNotifications = safety.Muting.TryGetValue(r.Id, out var mute) && mute.HideNotifications,
            DomainBlocking = targets.TryGetValue(r.Id, out var target) && safety.IsDomainBlocked(target.Domain),
        }).ToList();
    }
}
