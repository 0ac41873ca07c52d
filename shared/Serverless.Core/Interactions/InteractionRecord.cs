namespace Serverless.Core.Interactions;

/// <summary>
/// What one account did to one thing, for the viewer-specific fields of a status
/// (<c>favourited</c>, <c>reblogged</c>, <c>bookmarked</c>, <c>pinned</c>, <c>muted</c>, poll <c>own_votes</c>).
/// Partition: the account id; id: <see cref="InteractionKeys"/>. One batch read per page fetches them all.
/// </summary>
public sealed record InteractionRecord
{
    public required string AccountId { get; init; }

    public required string Kind { get; init; }

    public required string TargetId { get; init; }

    /// <summary>For a reblog, the id of the reblog status; for a vote, the chosen option indexes.</summary>
    public string? ResultId { get; init; }

    public IReadOnlyList<int>? Choices { get; init; }

    /// <summary>
    /// This interaction's own snowflake id: the document id (sortable) of its entries in the
    /// listing partitions (<see cref="InteractionListings"/>), so that undoing it finds them.
    /// </summary>
    public string? EntryId { get; init; }

    /// <summary>The notification it raised, removed again when the interaction is undone (as Mastodon does).</summary>
    public string? NotificationId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Document ids of interactions: <c>{kind}:{targetId}</c>.</summary>
public static class InteractionKeys
{
    public const string Favourite = "fav";
    public const string Reblog = "reblog";
    public const string Bookmark = "bookmark";
    public const string Pin = "pin";

    /// <summary>A muted conversation: target is the conversation's root status id.</summary>
    public const string Mute = "mute";

    /// <summary>A poll vote: target is the poll id.</summary>
    public const string Vote = "vote";

    public static string Of(string kind, string targetId) => $"{kind}:{targetId}";
}

/// <summary>The viewer's relation to one status, as the API shows it.</summary>
public sealed record ViewerState(bool Favourited, bool Reblogged, bool Bookmarked, bool Pinned, bool Muted, IReadOnlyList<int>? OwnVotes);
