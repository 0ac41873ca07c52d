using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.ActivityPub.Json;
using Serverless.ActivityPub.Resolver;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// <c>Move</c>: the actor moved to <c>target</c>, as Mastodon handles it. The target is fetched fresh and
/// must name the actor in <c>alsoKnownAs</c>; the old account is marked moved, and each local follower
/// follows the target (with the same options) and unfollows the old account, a page per message.
/// </summary>
public sealed partial class MoveHandler(
    ActivityPubResolver resolver,
    AccountService accounts,
    FollowService follows,
    IDocumentStore store,
    ActivityContinuations continuations,
    ILogger<MoveHandler> logger) : IActivityHandler
{
    /// <summary>Followers moved per message.</summary>
    public const int FollowersPerStep = 100;

    /// <summary>Messages per Move, at most (each step moves the followers it finds, so the rest shrinks).</summary>
    public const int MaxSteps = 1000;

    public string Type => "Move";

    public async Task HandleAsync(InboundActivity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var origin = activity.Actor;
        if (activity.ObjectId != origin.Uri)
        {
            throw new ForbiddenException("Only an actor can move itself");
        }

        var targetUri = Ld.Id(activity.Json, "target") ?? throw new ValidationFailedException("A Move needs a target");
        var step = ActivityContinuations.Of(activity) is { } resume && int.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (step >= MaxSteps)
        {
            return;
        }

        var target = step == 0 ? await VerifiedTargetAsync(origin, targetUri, cancellationToken) : await accounts.FindByUriAsync(targetUri, cancellationToken);
        if (target is null || target.Id == origin.Id || (step > 0 && origin.MovedToAccountId != target.Id))
        {
            throw new ForbiddenException("The target of a Move must name the moving account in alsoKnownAs");
        }

        if (origin.MovedToAccountId != target.Id)
        {
            await accounts.MarkMovedAsync(origin.Id, target.Id, cancellationToken);
        }

        var page = await store.QueryAsync(
            Containers.Follows,
            new DocumentQuery(FollowRecord.FollowersPartition(origin.Id)) { Limit = FollowersPerStep, Descending = false },
            StoreJsonContext.Default.FollowRecord,
            cancellationToken);
        var edges = page.Items.Select(i => i.Value).ToList();
        foreach (var follower in await accounts.GetManyAsync(edges.Select(e => e.AccountId), cancellationToken))
        {
            if (!follower.IsLocal)
            {
                continue;
            }

            var edge = edges.First(e => e.AccountId == follower.Id);
            if (follower.Id != target.Id)
            {
                await follows.FollowAsync(follower, target.Id, new FollowService.FollowOptions(edge.ShowReblogs, edge.Notify, edge.Languages), cancellationToken);
            }

            await follows.UnfollowAsync(follower, origin.Id, cancellationToken);
        }

        if (edges.Count == FollowersPerStep)
        {
            await continuations.ContinueAsync(activity, (step + 1).ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
        else
        {
            LogMoved(logger, origin.Uri, target.Uri);
        }
    }

    /// <summary>The target as its server describes it now (a local account as stored), when it lists the origin in <c>alsoKnownAs</c>.</summary>
    private async Task<AccountRecord?> VerifiedTargetAsync(AccountRecord origin, string targetUri, CancellationToken cancellationToken)
    {
        if (resolver.IsLocal(targetUri))
        {
            return await accounts.FindByUriAsync(targetUri, cancellationToken) is { IsLocal: true } local && local.AlsoKnownAs.Contains(origin.Uri, StringComparer.Ordinal) ? local : null;
        }

        var document = await resolver.FetchAsync(targetUri, cancellationToken);
        if (document is null || Ld.String(document, "id") != targetUri || !Ld.Includes(document, "alsoKnownAs", origin.Uri))
        {
            return null;
        }

        return await resolver.SaveActorAsync(document, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved the local followers of {Origin} to {Target}")]
    private static partial void LogMoved(ILogger logger, string origin, string target);
}
