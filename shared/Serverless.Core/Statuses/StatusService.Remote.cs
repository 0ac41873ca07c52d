using Serverless.Core.Accounts;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>Statuses from other servers: found by ActivityPub id, stored once, fanned out like local ones.</summary>
public sealed partial class StatusService
{
    /// <summary>A status (local or remote, not deleted) by its ActivityPub id or, for local ones, its URL.</summary>
    public async Task<StatusRecord?> FindByUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.StartsWith(urls.Base + "/", StringComparison.Ordinal))
        {
            // Local ids and URLs end with the status id: /users/{u}/statuses/{id} and /@{u}/{id}.
            var path = uri[urls.Base.Length..].TrimEnd('/');
            var last = path[(path.LastIndexOf('/') + 1)..];
            return (path.StartsWith("/users/", StringComparison.Ordinal) && path.Contains("/statuses/", StringComparison.Ordinal)) || path.StartsWith("/@", StringComparison.Ordinal)
                ? await GetAsync(last, cancellationToken)
                : null;
        }

        var key = LookupKeys.Uri(uri);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup is null ? null : await GetAsync(lookup.Value.TargetId, cancellationToken);
    }

    /// <summary>
    /// A remote status by its web page URL, as people paste links into search. Mastodon finds its own
    /// copy this way too, which matters for a followers-only post that no fetch would return.
    /// </summary>
    public async Task<StatusRecord?> FindByUrlAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var key = LookupKeys.Url(url);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup is null ? null : await GetAsync(lookup.Value.TargetId, cancellationToken);
    }

    /// <summary>Whether a status with this ActivityPub id was ever stored, deleted or not (so that a late Create cannot resurrect it).</summary>
    public async Task<bool> KnowsUriAsync(string uri, CancellationToken cancellationToken)
    {
        var key = LookupKeys.Uri(uri);
        return await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken) is not null;
    }

    /// <summary>How many neighbouring ids are tried when a remote status's id is taken.</summary>
    public const int RemoteIdAttempts = 64;

    /// <summary>
    /// An unused id for a remote status (or reblog) published at <paramref name="published"/>: the id
    /// derived from its time and URI, or the next free one after it. Remote times have whole seconds,
    /// so two posts of the same second would otherwise collide now and then.
    /// </summary>
    public async Task<string> AllocateRemoteIdAsync(DateTimeOffset published, string uri, CancellationToken cancellationToken)
    {
        var id = SnowflakeIds.FromTimestamp(published, uri);
        for (var attempt = 0; attempt < RemoteIdAttempts; attempt++, id++)
        {
            var candidate = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (await store.ReadAsync(Containers.Statuses, candidate, candidate, StoreJsonContext.Default.StatusRecord, cancellationToken) is null)
            {
                return candidate;
            }
        }

        throw new Errors.ValidationFailedException("No free id for the status; try again");
    }

    /// <summary>
    /// Stores a status received from another server, with its cached-by-reference media and poll,
    /// indexes it in its thread and hands it to fan-out. The ActivityPub id is claimed first, so a
    /// redelivered activity stores nothing twice: the existing status is returned instead.
    /// </summary>
    public async Task<StatusRecord> CreateRemoteAsync(StatusRecord status, IReadOnlyList<MediaAttachmentRecord> attachments, PollRecord? poll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(attachments);
        var key = LookupKeys.Uri(status.Uri);
        try
        {
            await store.CreateAsync(Containers.Lookups, key, key, new LookupRecord(key, status.Id), StoreJsonContext.Default.LookupRecord, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            var known = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
            return known is not null && await store.ReadAsync(Containers.Statuses, known.Value.TargetId, known.Value.TargetId, StoreJsonContext.Default.StatusRecord, cancellationToken) is { } stored
                ? stored.Value
                : throw new Errors.ValidationFailedException("The status is being stored by another request");
        }

        var created = false;
        try
        {
            foreach (var attachment in attachments)
            {
                await store.UpsertAsync(Containers.Media, attachment.Id, attachment.Id, attachment, StoreJsonContext.Default.MediaAttachmentRecord, ifMatch: null, cancellationToken);
            }

            if (poll is not null)
            {
                await store.UpsertAsync(Containers.Polls, poll.Id, poll.Id, poll, StoreJsonContext.Default.PollRecord, ifMatch: null, cancellationToken);
            }

            await store.CreateAsync(Containers.Statuses, status.Id, status.Id, status, StoreJsonContext.Default.StatusRecord, cancellationToken);
            created = true;
            if (status.Url is { Length: > 0 } url && url != status.Uri)
            {
                // Pointing at the status, not claiming anything: a later status with the same page wins.
                var urlKey = LookupKeys.Url(url);
                await store.UpsertAsync(Containers.Lookups, urlKey, urlKey, new LookupRecord(urlKey, status.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
            }

            if (status.InReplyToId is not null)
            {
                await IndexInThreadAsync(status, cancellationToken);
            }

            await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Create, status.Id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
        catch
        {
            // Nothing half-written: the claim goes, so that a redelivery can try again. Only what this
            // call created is removed: an id taken meanwhile by another status is that status's.
            if (created)
            {
                await store.DeleteAsync(Containers.Statuses, status.Id, status.Id, ifMatch: null, CancellationToken.None);
            }

            await store.DeleteAsync(Containers.Lookups, key, key, ifMatch: null, CancellationToken.None);
            throw;
        }

        try
        {
            await accounts.IncrementCountersAsync(status.AccountId, 1, status.CreatedAt, cancellationToken);
            if (status.InReplyToId is { } parentId)
            {
                await store.PatchAsync(Containers.Statuses, parentId, parentId, [PatchOperation.Increment("/repliesCount", 1)], ifMatch: null, cancellationToken);
            }

            await NotifyMentionedAsync(status, status.Mentions.Where(m => !m.Acct.Contains('@', StringComparison.Ordinal)), cancellationToken);
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, status.Id);
        }

        return status;
    }
}
