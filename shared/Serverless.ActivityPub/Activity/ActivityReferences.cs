using Serverless.Core.Accounts;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Activity;

/// <summary>
/// What received activities that leave no object of their own (a <c>Like</c>, a <c>Block</c>) were
/// about, by their ActivityPub id, so that an <c>Undo</c> naming only that id can be matched: lookups
/// <c>activity:{hash of the id}</c> → <c>{kind}:{target id}</c>.
/// </summary>
public sealed class ActivityReferences(IDocumentStore store)
{
    public const string Favourite = "fav";
    public const string Block = "block";

    public static string Key(string activityId) => "activity:" + LookupKeys.Uri(activityId)[4..];

    public Task RememberAsync(string? activityId, string kind, string targetId, CancellationToken cancellationToken)
    {
        if (activityId is null)
        {
            return Task.CompletedTask;
        }

        var key = Key(activityId);
        return store.UpsertAsync(Containers.Lookups, key, key, new LookupRecord(key, $"{kind}:{targetId}"), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
    }

    /// <summary>The kind and target an activity id was remembered with, or null.</summary>
    public async Task<(string Kind, string TargetId)?> FindAsync(string activityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activityId);
        var key = Key(activityId);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup?.Value.TargetId.Split(':', 2) is [var kind, var target] ? (kind, target) : null;
    }

    public Task ForgetAsync(string activityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activityId);
        var key = Key(activityId);
        return store.DeleteAsync(Containers.Lookups, key, key, ifMatch: null, cancellationToken);
    }
}
