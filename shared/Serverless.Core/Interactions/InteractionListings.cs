namespace Serverless.Core.Interactions;

/// <summary>
/// Time-ordered listings of interactions, kept beside the interaction records in the
/// <c>interactions</c> container so that every list endpoint is one single-partition range read
/// plus one batch read. Document id: <see cref="Ids.SnowflakeIds.Sortable(string)"/> of
/// <see cref="InteractionRecord.EntryId"/> (for <see cref="RebloggedBy"/>, of the reblog status id),
/// so pages follow Mastodon's <c>max_id</c>/<c>min_id</c> cursors on those ids.
/// </summary>
public static class InteractionListings
{
    /// <summary>Statuses an account favourited, newest first (<c>GET /api/v1/favourites</c>).</summary>
    public static string Favourites(string accountId) => "favourites:" + accountId;

    /// <summary>Statuses an account bookmarked (<c>GET /api/v1/bookmarks</c>).</summary>
    public static string Bookmarks(string accountId) => "bookmarks:" + accountId;

    /// <summary>An account's pinned statuses (<c>GET /api/v1/accounts/:id/statuses?pinned=true</c>).</summary>
    public static string Pins(string accountId) => "pins:" + accountId;

    /// <summary>Accounts that favourited a status (<c>favourited_by</c>).</summary>
    public static string FavouritedBy(string statusId) => "favourited_by:" + statusId;

    /// <summary>Accounts that reblogged a status (<c>reblogged_by</c>); entry ids are the reblogs' ids.</summary>
    public static string RebloggedBy(string statusId) => "reblogged_by:" + statusId;

    /// <summary>Accounts that voted in a poll, to notify them when it ends.</summary>
    public static string PollVoters(string pollId) => "poll_voters:" + pollId;
}

/// <summary>
/// One entry of a listing: who (<see cref="AccountId"/>) did something to what (<see cref="StatusId"/>), and when.
/// </summary>
public sealed record InteractionListEntry(string AccountId, string StatusId, DateTimeOffset CreatedAt);
