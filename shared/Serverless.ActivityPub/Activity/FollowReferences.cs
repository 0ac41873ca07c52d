using Serverless.ActivityPub.Json;
using Serverless.Core.Accounts;

namespace Serverless.ActivityPub.Activity;

/// <summary>Finds the local follower that an <c>Accept</c> or <c>Reject</c> of one of our <c>Follow</c>s refers to.</summary>
public static class FollowReferences
{
    /// <summary>
    /// The follower named by the Follow: its <c>actor</c> when embedded, or the actor part of our own
    /// Follow id (<c>{actor}#follows/{id}</c>) when only referenced.
    /// </summary>
    public static async Task<AccountRecord?> LocalFollowerAsync(InboundActivity activity, AccountService accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(accounts);
        var embedded = activity.EmbeddedObject;
        if (embedded is not null && Ld.Type(embedded) is { } type && type != "Follow")
        {
            return null;
        }

        var followerUri = Ld.Id(embedded, "actor");
        if (followerUri is null && activity.ObjectId is { } followId && followId.IndexOf("#follows/", StringComparison.Ordinal) is var at and > 0)
        {
            followerUri = followId[..at];
        }

        if (embedded is not null && Ld.Id(embedded, "object") is { } target && target != activity.Actor.Uri)
        {
            // Only the followed account can answer a Follow.
            return null;
        }

        return followerUri is null ? null : await accounts.FindByUriAsync(followerUri, cancellationToken) is { IsLocal: true } follower ? follower : null;
    }
}
