using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;
using Serverless.Core.Moderation;
using Serverless.Core.Statuses;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Flag</c>: a report from another server. Its objects name the reported accounts and statuses;
/// each reported account gets a report with its reported statuses. As in Mastodon, local accounts can
/// be reported, and remote ones only for statuses that reply to local accounts. Nothing is fetched.
/// </summary>
public sealed class FlagHandler(AccountService accounts, StatusService statuses, ReportService reports) : IActivityHandler
{
    /// <summary>Objects read from one Flag.</summary>
    public const int MaxObjects = 100;

    public string Type => "Flag";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var uris = Ld.Ids(activity.Json, "object").Distinct(StringComparer.Ordinal).Take(MaxObjects).ToList();
        var targets = new List<AccountRecord>();
        var reported = new List<StatusRecord>();
        foreach (var objectUri in uris)
        {
            if (await accounts.FindByUriAsync(objectUri, cancellationToken) is { } account)
            {
                targets.Add(account);
            }
            else if (await statuses.FindByUriAsync(objectUri, cancellationToken) is { ReblogOfId: null } status)
            {
                reported.Add(status);
            }
        }

        // A report of statuses alone reports their authors.
        foreach (var authorId in reported.Select(s => s.AccountId).Distinct(StringComparer.Ordinal).Where(id => targets.All(t => t.Id != id)).ToList())
        {
            if (await accounts.GetAsync(authorId, cancellationToken) is { } author)
            {
                targets.Add(author);
            }
        }

        // Mastodon keeps the Flag's id only when it is on the reporter's own server.
        var reportUri = activity.Id is { } id && Ld.SameOrigin(id, activity.Actor.Uri) ? id : null;
        var comment = Ld.String(activity.Json, "content") ?? "";
        foreach (var target in targets.DistinctBy(t => t.Id))
        {
            var statusIds = reported.Where(s => s.AccountId == target.Id).Select(s => s.Id).ToList();
            if (target.SuspendedAt is not null || (!target.IsLocal && !await RepliesToLocalAsync(reported.Where(s => s.AccountId == target.Id), cancellationToken)))
            {
                continue;
            }

            await reports.ReceiveRemoteAsync(activity.Actor, target, statusIds, comment, reportUri, cancellationToken);
        }
    }

    private async Task<bool> RepliesToLocalAsync(IEnumerable<StatusRecord> reported, CancellationToken cancellationToken)
    {
        var repliedTo = reported.Select(s => s.InReplyToAccountId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return repliedTo.Count > 0 && (await accounts.GetManyAsync(repliedTo, cancellationToken)).Any(a => a.IsLocal);
    }
}
