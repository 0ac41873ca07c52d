namespace Serverless.Core.Filters;

/// <summary>
/// One of an account's filters (Mastodon's CustomFilter) with its keywords and statuses inside it:
/// partition <c>filters:{accountId}</c> of the <c>userdata</c> container, id = the sortable filter id,
/// so that the whole set of a viewer is one first-page single-partition read.
/// </summary>
public sealed record FilterRecord
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string Title { get; init; }

    /// <summary>Where it applies: <see cref="FilterContexts"/>.</summary>
    public required List<string> Context { get; init; }

    /// <summary><c>warn</c>, <c>hide</c> or <c>blur</c>.</summary>
    public string Action { get; init; } = FilterActions.Warn;

    public DateTimeOffset? ExpiresAt { get; init; }

    public List<FilterKeywordRecord> Keywords { get; init; } = [];

    public List<FilterStatusRecord> Statuses { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public static string Partition(string accountId) => "filters:" + accountId;

    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } end || end > now;
}

/// <summary>A keyword of a filter (Mastodon's CustomFilterKeyword); its id is unique across filters.</summary>
public sealed record FilterKeywordRecord(string Id, string Keyword, bool WholeWord);

/// <summary>A status a filter hides by id (Mastodon's CustomFilterStatus).</summary>
public sealed record FilterStatusRecord(string Id, string StatusId);

/// <summary>Mastodon's filter contexts.</summary>
public static class FilterContexts
{
    /// <summary>Home timeline and lists.</summary>
    public const string Home = "home";

    public const string Notifications = "notifications";

    /// <summary>Public and hashtag timelines.</summary>
    public const string Public = "public";

    /// <summary>A status and its context.</summary>
    public const string Thread = "thread";

    /// <summary>An account's statuses.</summary>
    public const string Account = "account";

    public static readonly IReadOnlyList<string> All = [Home, Notifications, Public, Thread, Account];
}

/// <summary>What a client does with a match.</summary>
public static class FilterActions
{
    public const string Warn = "warn";

    public const string Hide = "hide";

    public const string Blur = "blur";

    public static readonly IReadOnlyList<string> All = [Warn, Hide, Blur];
}

/// <summary>One filter that matched a status: the words that matched, or the filtered status ids.</summary>
public sealed record FilterMatch(FilterRecord Filter, IReadOnlyList<string>? KeywordMatches, IReadOnlyList<string>? StatusMatches);
