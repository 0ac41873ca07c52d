namespace Serverless.Core.Timelines;

/// <summary>
/// One status in one materialised timeline. Partition: the timeline key
/// (<see cref="TimelineKeys"/>); id: the sortable status id, so that a page is one ordered
/// single-partition range read.
/// </summary>
public sealed record TimelineEntry(string StatusId, string AccountId, string? ReblogOfId);

public static class TimelineKeys
{
    public static string Home(string accountId) => "home:" + accountId;

    public static string Account(string accountId) => "account:" + accountId;

    /// <summary>Public statuses with a hashtag (lower-cased name).</summary>
    public static string Tag(string name) => "tag:" + name.ToLowerInvariant();

    /// <summary>Public statuses by local accounts with a hashtag.</summary>
    public static string LocalTag(string name) => "tag-local:" + name.ToLowerInvariant();

    public static string List(string listId) => "list:" + listId;

    /// <summary>Everything public the instance knows (the federated timeline).</summary>
    public const string Public = "public";

    /// <summary>Public statuses by local accounts.</summary>
    public const string Local = "local";

    /// <summary>Public statuses by remote accounts.</summary>
    public const string Remote = "remote";
}
