namespace Serverless.Core.Statuses;

/// <summary>
/// One status of a thread, in the thread's own partition of the <c>statuses</c> container
/// (<see cref="ThreadKeys.Replies"/>; id: the sortable status id). A thread's context is then one
/// ordered single-partition read: the entries carry enough to build the reply tree and to decide
/// who may see what before any status is loaded.
/// </summary>
public sealed record ThreadEntry(string StatusId, string AccountId, string? InReplyToId);

public static class ThreadKeys
{
    /// <summary>The replies of a conversation (its root status id).</summary>
    public static string Replies(string conversationId) => "replies:" + conversationId;
}
