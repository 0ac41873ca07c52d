namespace Serverless.Core.Safety;

/// <summary>
/// One account muting another, in the <c>follows</c> container: pk = <c>mutes:{account}</c>, id = the muted account id
/// (point-read by relationships; the whole partition is the viewer's mute set). Nobody else sees a mute; its reverse copy,
/// pk = <c>muted-by:{target}</c>, id = the muter, only tells hosted streaming whom a shared stream must skip.
/// </summary>
public sealed record MuteRecord
{
    /// <summary>The mute's own Mastodon-style id.</summary>
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string TargetAccountId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether notifications from the muted account are hidden too (Mastodon's default: true).</summary>
    public bool HideNotifications { get; init; } = true;

    /// <summary>When a timed mute ends; null for an indefinite one. Expired mutes are ignored, and removed when next seen.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } end || end > now;

    public static string Partition(string accountId) => "mutes:" + accountId;

    /// <summary>The reverse copy's partition: who mutes <paramref name="targetId"/>.</summary>
    public static string MutedByPartition(string targetId) => "muted-by:" + targetId;
}

/// <summary>
/// A user hiding a whole remote domain (<c>/api/v1/domain_blocks</c>), in the <c>follows</c> container:
/// pk = <c>domain-blocks:{account}</c>, id = the domain in lower case; its reverse copy, pk = <c>domain-blocked-by:{domain}</c>,
/// id = the account, tells hosted streaming whom a shared stream must skip.
/// </summary>
public sealed record UserDomainBlockRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string Domain { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public static string Partition(string accountId) => "domain-blocks:" + accountId;

    /// <summary>The reverse copy's partition: who blocks <paramref name="domain"/> (lower case).</summary>
    public static string BlockedByPartition(string domain) => "domain-blocked-by:" + domain;
}
