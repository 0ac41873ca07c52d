using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Conversations;

/// <summary>One account's view of a direct-message thread. Partition <c>conv:{accountId}</c>, id = conversation id.</summary>
public sealed record ConversationRecord(string ConversationId, string AccountId, string LastStatusId, bool Unread, IReadOnlyList<string> ParticipantIds);

/// <summary>Index entry ordering an account's conversations by their last status. Partition <c>conv-time:{accountId}</c>, id = sortable last status id.</summary>
public sealed record ConversationIndexRecord(string ConversationId);

/// <summary>Direct-message conversations: updated by fan-out for every direct status, listed newest first.</summary>
public sealed class ConversationService(IDocumentStore store)
{
    private static string Partition(string accountId) => "conv:" + accountId;

    private static string IndexPartition(string accountId) => "conv-time:" + accountId;

    /// <summary>Records a direct status in the conversation of each local participant. Idempotent.</summary>
    public async Task RecordAsync(StatusRecord status, IReadOnlyList<string> localParticipantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(localParticipantIds);
        var conversationId = status.ConversationId ?? status.Id;
        var everyone = new[] { status.AccountId }.Concat(status.Mentions.Select(m => m.AccountId)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var accountId in localParticipantIds.Distinct(StringComparer.Ordinal))
        {
            var existing = await store.ReadAsync(Containers.UserData, Partition(accountId), conversationId, StoreJsonContext.Default.ConversationRecord, cancellationToken);
            if (existing is not null && string.CompareOrdinal(SnowflakeIds.Sortable(existing.Value.LastStatusId), SnowflakeIds.Sortable(status.Id)) >= 0)
            {
                continue;
            }

            var participants = (existing?.Value.ParticipantIds ?? []).Concat(everyone).Distinct(StringComparer.Ordinal).ToList();
            var record = new ConversationRecord(conversationId, accountId, status.Id, Unread: accountId != status.AccountId, participants);
            await store.UpsertAsync(Containers.UserData, Partition(accountId), conversationId, record, StoreJsonContext.Default.ConversationRecord, ifMatch: null, cancellationToken);
            await store.UpsertAsync(Containers.UserData, IndexPartition(accountId), SnowflakeIds.Sortable(status.Id), new ConversationIndexRecord(conversationId), StoreJsonContext.Default.ConversationIndexRecord, ifMatch: null, cancellationToken);
            if (existing is not null)
            {
                await store.DeleteAsync(Containers.UserData, IndexPartition(accountId), SnowflakeIds.Sortable(existing.Value.LastStatusId), ifMatch: null, cancellationToken);
            }
        }
    }

    /// <summary>A page of conversations, newest last status first; cursors are last-status ids.</summary>
    public async Task<IReadOnlyList<ConversationRecord>> ListAsync(string accountId, Timelines.PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var ascending = page.MinId is not null;
        var index = await store.QueryAsync(
            Containers.UserData,
            new DocumentQuery(IndexPartition(accountId))
            {
                IdBefore = page.MaxId is { } max && SnowflakeIds.TryParse(max, out var maxId) ? SnowflakeIds.Sortable(maxId) : null,
                IdAfter = (page.MinId ?? page.SinceId) is { } after && SnowflakeIds.TryParse(after, out var afterId) ? SnowflakeIds.Sortable(afterId) : null,
                Descending = !ascending,
                Limit = page.Limit,
            },
            StoreJsonContext.Default.ConversationIndexRecord,
            cancellationToken);
        var keys = index.Items.Select(i => new DocumentKey(Partition(accountId), i.Value.ConversationId)).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var docs = await store.ReadManyAsync(Containers.UserData, keys, StoreJsonContext.Default.ConversationRecord, cancellationToken);
        var list = docs.Select(d => d.Value).ToList();
        return ascending ? list.AsEnumerable().Reverse().ToList() : list;
    }

    public async Task<ConversationRecord?> GetAsync(string accountId, string conversationId, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(conversationId, out _)
            ? (await store.ReadAsync(Containers.UserData, Partition(accountId), conversationId, StoreJsonContext.Default.ConversationRecord, cancellationToken))?.Value
            : null;

    public async Task<ConversationRecord?> MarkReadAsync(string accountId, string conversationId, CancellationToken cancellationToken)
    {
        if (await GetAsync(accountId, conversationId, cancellationToken) is not { } conversation)
        {
            return null;
        }

        var read = conversation with { Unread = false };
        await store.UpsertAsync(Containers.UserData, Partition(accountId), conversationId, read, StoreJsonContext.Default.ConversationRecord, ifMatch: null, cancellationToken);
        return read;
    }

    /// <summary>Removes the conversation from this account's list (the statuses stay).</summary>
    public async Task<bool> RemoveAsync(string accountId, string conversationId, CancellationToken cancellationToken)
    {
        if (await GetAsync(accountId, conversationId, cancellationToken) is not { } conversation)
        {
            return false;
        }

        await store.DeleteAsync(Containers.UserData, IndexPartition(accountId), SnowflakeIds.Sortable(conversation.LastStatusId), ifMatch: null, cancellationToken);
        return await store.DeleteAsync(Containers.UserData, Partition(accountId), conversationId, ifMatch: null, cancellationToken);
    }
}
