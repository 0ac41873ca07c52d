namespace Serverless.Core.Follows;

/// <summary>
/// A private note one account keeps about another (the <c>note</c> of a Relationship). Stored in
/// the <c>follows</c> container beside the edges, partition <c>notes:{author}</c>, id <c>{target}</c>,
/// so that a relationship is one batch of point reads.
/// </summary>
public sealed record AccountNoteRecord(string AccountId, string TargetAccountId, string Comment, DateTimeOffset UpdatedAt)
{
    /// <summary>Mastodon's limit on the length of a note.</summary>
    public const int MaxLength = 2000;

    public static string Partition(string accountId) => "notes:" + accountId;
}
