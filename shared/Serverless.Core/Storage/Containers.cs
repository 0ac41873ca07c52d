namespace Serverless.Core.Storage;

/// <summary>
/// The containers, one per access pattern. Every container is partitioned on <c>/pk</c>; the
/// comment says what the partition key is.
/// </summary>
public static class Containers
{
    /// <summary>Accounts, local and remote. pk = account id.</summary>
    public const string Accounts = "accounts";

    /// <summary>Local sign-in data (email, password hash, role, private key). pk = account id.</summary>
    public const string Users = "users";

    /// <summary>Unique keys pointing at ids: <c>acct:{username}@{domain}</c>, <c>email:{address}</c>, <c>uri:{hash}</c>. pk = the key.</summary>
    public const string Lookups = "lookups";

    /// <summary>Statuses. pk = status id.</summary>
    public const string Statuses = "statuses";

    /// <summary>Materialised timelines, one item per (timeline, status). pk = <c>home:{id}</c>, <c>public</c>, <c>local</c>, <c>account:{id}</c>, …; id = sortable status id.</summary>
    public const string Timelines = "timelines";

    /// <summary>Follow edges, stored twice: pk = <c>following:{id}</c> and <c>followers:{id}</c>; blocks beside them: pk = <c>blocks:{blocker}</c> and <c>blocked-by:{target}</c> (Follows/BlockRecord.cs); mutes and user domain blocks with their reverse copies: <c>mutes:</c>/<c>muted-by:</c>, <c>domain-blocks:</c>/<c>domain-blocked-by:</c> (Safety/SafetyRecords.cs).</summary>
    public const string Follows = "follows";

    /// <summary>OAuth applications (<c>app:{client_id}</c>), tokens (<c>token:{sha256}</c>) and codes.</summary>
    public const string OAuth = "oauth";

    /// <summary>Media attachments. pk = attachment id.</summary>
    public const string Media = "media";

    /// <summary>Polls. pk = poll id.</summary>
    public const string Polls = "polls";

    /// <summary>What an account did to a status or poll (favourite, reblog, bookmark, pin, mute, vote). pk = account id; id = <c>{kind}:{targetId}</c>.</summary>
    public const string Interactions = "interactions";

    /// <summary>Notifications. pk = recipient account id; id = sortable notification id.</summary>
    public const string Notifications = "notifications";

    /// <summary>Lists (<c>lists:{ownerId}</c>), their members (<c>list:{listId}</c>) and the lists an account is on (<c>listed:{accountId}</c>).</summary>
    public const string Lists = "lists";

    /// <summary>Per-user small documents: markers (<c>markers:{accountId}</c>), conversations (<c>conversations:{accountId}</c>); who has filters in a streamed context (<c>filtering:{context}</c>, Filters/FilterHolderRecord.cs).</summary>
    public const string UserData = "userdata";

    /// <summary>Versions of edited statuses. pk = status id; id = sortable edit id (the original version sorts first).</summary>
    public const string StatusEdits = "status_edits";

    /// <summary>Scheduled statuses (pk = account id; id = sortable scheduled status id) and the due index (pk = <c>due</c>; id sorts by due time).</summary>
    public const string Scheduled = "scheduled";

    /// <summary>
    /// ActivityPub activities: outbound ones as rendered for delivery (pk = id = <c>out:{hash of the activity id}</c>) and
    /// markers of inbound ones already received, so that duplicates are dropped (pk = id = <c>in:{hash of the activity id}</c>, with <c>expiresAt</c>).
    /// </summary>
    public const string Activities = "activities";

    /// <summary>
    /// What the instance knows about each remote domain: delivery failures and availability (pk = id = the domain); the
    /// moderators' block and allow of it (pk = the domain, id = <c>block</c> or <c>allow</c>), and their lists
    /// (pk = <c>domain_blocks</c> or <c>domain_allows</c>, id = the sortable id) (Moderation/ModerationRecords.cs).
    /// </summary>
    public const string Domains = "domains";

    /// <summary>
    /// Reports (Moderation/ReportRecord.cs): pk = id = the report id; a copy of each in pk = <c>index</c>, id = the sortable report id, for listing newest first.
    /// Also the moderators' index of accounts: pk = <c>accounts</c>, id = the sortable account id (Moderation/ModerationRecords.cs).
    /// </summary>
    public const string Reports = "reports";

    /// <summary>Instance-wide singletons and counters (pk = the document's name), the server rules (pk = <c>rules</c>, id = the sortable rule id), and hashtag use per day (pk = <c>tag-history:{name}</c>, id = the day, Tags/TagHistory.cs).</summary>
    public const string Instance = "instance";

    public static readonly IReadOnlyList<string> All = [Accounts, Users, Lookups, Statuses, Timelines, Follows, OAuth, Media, Polls, Interactions, Notifications, StatusEdits, Scheduled, Lists, UserData, Activities, Domains, Reports, Instance];
}
