namespace Serverless.Core.Moderation;

/// <summary>Mastodon's domain block severities.</summary>
public static class DomainBlockSeverity
{
    /// <summary>Accounts of the domain are limited (hidden from public timelines to non-followers).</summary>
    public const string Silence = "silence";

    /// <summary>The domain is defederated: nothing delivered to it or accepted from it, its cached content purged.</summary>
    public const string Suspend = "suspend";

    /// <summary>Neither: only the media and report rejections apply.</summary>
    public const string Noop = "noop";

    public static bool IsKnown(string? value) => value is Silence or Suspend or Noop;
}

/// <summary>
/// An instance-wide block of a remote domain, in the <c>domains</c> container twice: pk = the domain, id = <c>block</c>
/// (the point read federation makes for every domain it meets), and pk = <see cref="IndexPartition"/>, id = the sortable
/// block id (the admin list, newest first, and reads by id).
/// </summary>
public sealed record DomainBlockRecord
{
    public const string IndexPartition = "domain_blocks";

    public const string DocumentId = "block";

    public required string Id { get; init; }

    public required string Domain { get; init; }

    public string Severity { get; init; } = DomainBlockSeverity.Silence;

    public bool RejectMedia { get; init; }

    public bool RejectReports { get; init; }

    public string? PrivateComment { get; init; }

    public string? PublicComment { get; init; }

    public bool Obfuscate { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool IsSuspend => Severity == DomainBlockSeverity.Suspend;

    public bool IsSilence => Severity == DomainBlockSeverity.Silence;
}

/// <summary>A domain allowed to federate in limited federation mode: pk = the domain, id = <c>allow</c>; and pk = <see cref="IndexPartition"/>, id = the sortable id.</summary>
public sealed record DomainAllowRecord
{
    public const string IndexPartition = "domain_allows";

    public const string DocumentId = "allow";

    public required string Id { get; init; }

    public required string Domain { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An instance rule, in the <c>instance</c> container: pk = <see cref="Partition"/>, id = the sortable rule id (listed oldest first, as Mastodon orders them).</summary>
public sealed record RuleRecord
{
    public const string Partition = "rules";

    public required string Id { get; init; }

    public required string Text { get; init; }

    public string Hint { get; init; } = "";

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The moderators' index of accounts, in the <c>reports</c> container: pk = <see cref="Partition"/>, id = the sortable
/// account id, with the states the admin API filters on as plain fields, so that each filter is one ordered
/// single-partition query with equality filters. Written when an account is created and when moderators act.
/// </summary>
public sealed record AccountIndexEntry
{
    public const string Partition = "accounts";

    public required string AccountId { get; init; }

    public bool Local { get; init; }

    /// <summary>The remote domain; empty for local accounts (equality filters need a value).</summary>
    public string Domain { get; init; } = "";

    public bool Pending { get; init; }

    public bool Suspended { get; init; }

    public bool Silenced { get; init; }

    public bool Disabled { get; init; }

    public bool Sensitized { get; init; }

    /// <summary>Active: neither suspended, silenced, disabled nor pending (Mastodon's <c>active</c> filter).</summary>
    public bool Active { get; init; }
}

/// <summary>A <c>pull</c> queue message asking for one step of a domain's purge (the same shape as the ActivityPub <c>PullMessage</c>).</summary>
/// <param name="Kind">Always <see cref="DomainPurge.Kind"/>.</param>
/// <param name="Target"><c>{domain} {cursor}</c>: the domain, and the sortable id of the last account fully purged.</param>
public sealed record PurgeMessage(string Kind, string Target, int Attempt = 0);
