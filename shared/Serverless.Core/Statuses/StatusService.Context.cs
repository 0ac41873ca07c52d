using Serverless.Core.Accounts;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

public sealed partial class StatusService
{
    /// <summary>Mastodon's limits of a context: signed in, effectively everything; anonymous, 40 up, 60 down, 20 deep.</summary>
    public const int ContextLimit = 4096;

    public const int AnonymousAncestorsLimit = 40;

    public const int AnonymousDescendantsLimit = 60;

    public const int AnonymousDepthLimit = 20;

    /// <summary>Ancestors not found in the thread's index are read one by one, at most this many.</summary>
    public const int MaxAncestorReads = 40;

    /// <summary>
    /// The statuses around one in its thread: ancestors (oldest first) and descendants (depth
    /// first, oldest first among siblings), as ids, plus the authors involved so that the caller
    /// can decide visibility in one batch. The thread's index is one ordered single-partition
    /// read; ancestors outside it (a thread that started before the index) are point reads.
    /// </summary>
    public async Task<(IReadOnlyList<string> Ancestors, IReadOnlyList<string> Descendants, IReadOnlyCollection<string> AuthorIds)> ContextAsync(StatusRecord status, AccountRecord? viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var signedIn = viewer is not null;
        var entries = await ThreadEntriesAsync(status.ConversationId ?? status.Id, cancellationToken);
        var byId = entries.ToDictionary(e => e.StatusId, StringComparer.Ordinal);
        var authors = new HashSet<string>(StringComparer.Ordinal);

        var ancestors = new List<string>();
        var reads = 0;
        var next = status.InReplyToId;
        while (next is not null && ancestors.Count < (signedIn ? ContextLimit : AnonymousAncestorsLimit) && !ancestors.Contains(next, StringComparer.Ordinal))
        {
            ancestors.Add(next);
            if (byId.TryGetValue(next, out var entry))
            {
                authors.Add(entry.AccountId);
                next = entry.InReplyToId;
            }
            else if (reads++ < MaxAncestorReads && await GetAsync(next, cancellationToken) is { } parent)
            {
                authors.Add(parent.AccountId);
                next = parent.InReplyToId;
            }
            else
            {
                next = null;
            }
        }

        ancestors.Reverse();

        var children = entries.Where(e => e.InReplyToId is not null).ToLookup(e => e.InReplyToId!, StringComparer.Ordinal);
        var descendants = new List<string>();
        var limit = signedIn ? ContextLimit : AnonymousDescendantsLimit;
        var depthLimit = signedIn ? int.MaxValue : AnonymousDepthLimit;
        var stack = new Stack<(ThreadEntry Entry, int Depth)>();
        foreach (var child in children[status.Id].Reverse())
        {
            stack.Push((child, 1));
        }

        while (stack.Count > 0 && descendants.Count < limit)
        {
            var (entry, depth) = stack.Pop();
            descendants.Add(entry.StatusId);
            authors.Add(entry.AccountId);
            if (depth < depthLimit)
            {
                foreach (var child in children[entry.StatusId].Reverse())
                {
                    stack.Push((child, depth + 1));
                }
            }
        }

        return (ancestors, descendants, authors);
    }

    /// <summary>
    /// Puts a reply in its thread's index, so that contexts find it. Posting does this itself;
    /// other writers of replies (statuses arriving by federation) call it. Idempotent.
    /// </summary>
    public Task IndexInThreadAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.InReplyToId is null
            ? Task.CompletedTask
            : store.UpsertAsync(Containers.Statuses, ThreadKeys.Replies(status.ConversationId ?? status.InReplyToId), SnowflakeIds.Sortable(status.Id), new ThreadEntry(status.Id, status.AccountId, status.InReplyToId), StoreJsonContext.Default.ThreadEntry, ifMatch: null, cancellationToken);
    }

    private async Task<IReadOnlyList<ThreadEntry>> ThreadEntriesAsync(string conversationId, CancellationToken cancellationToken)
    {
        var entries = new List<ThreadEntry>();
        string? continuation = null;
        do
        {
            var page = await store.QueryAsync(
                Containers.Statuses,
                new DocumentQuery(ThreadKeys.Replies(conversationId)) { Descending = false, Limit = 1000, Continuation = continuation },
                StoreJsonContext.Default.ThreadEntry,
                cancellationToken);
            entries.AddRange(page.Items.Select(i => i.Value));
            continuation = page.Continuation;
        }
        while (continuation is not null && entries.Count < ContextLimit);

        return entries;
    }
}
