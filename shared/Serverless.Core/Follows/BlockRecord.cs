namespace Serverless.Core.Follows;

/// <summary>
/// One account blocking another, stored in the <c>follows</c> container beside the edges, in two copies:
/// <list type="bullet">
/// <item><c>blocks:{blocker}</c>, id <c>{target}</c>: point-read by relationships and visibility checks ("does A block B").</item>
/// <item><c>blocked-by:{target}</c>, id <c>{blocker}</c>: who blocks an account (<c>blocked_by</c>, and cleaning up when it goes).</item>
/// </list>
/// Written for now only when a remote account's <c>Block</c> arrives; local blocks and their lists (issue #6) build on the same copies.
/// </summary>
public sealed record BlockRecord
{
    /// <summary>The block's own Mastodon-style id (a cursor for a future blocks list).</summary>
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string TargetAccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The ActivityPub id of the <c>Block</c>, which an <c>Undo</c> may name.</summary>
    public string? Uri { get; init; }

    public static string BlocksPartition(string accountId) => "blocks:" + accountId;

    public static string BlockedByPartition(string accountId) => "blocked-by:" + accountId;
}
