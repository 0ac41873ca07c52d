namespace Serverless.Core.Streaming;

/// <summary>
/// Mastodon's stream names (as in <c>?stream=</c> and subscribe frames) and the groups events are
/// published to: <c>user</c> → <c>user:{id}</c>, <c>user:notification</c> →
/// <c>user:notification:{id}</c>, <c>public[:local|:remote][:media]</c> → the same name,
/// <c>hashtag</c> → <c>hashtag:{tag}</c>, <c>hashtag:local</c> → <c>hashtag:local:{tag}</c>,
/// <c>list</c> → <c>list:{id}</c>, <c>direct</c> → <c>direct:{id}</c>. Publishers (fan-out,
/// notifications) and both subscribers (the in-process WebSocket endpoint and the Web PubSub
/// connect handler) use these, so a group name means the same thing everywhere.
/// </summary>
public static class StreamNames
{
    public const string User = "user";
    public const string UserNotification = "user:notification";
    public const string Public = "public";
    public const string PublicMedia = "public:media";
    public const string PublicLocal = "public:local";
    public const string PublicLocalMedia = "public:local:media";
    public const string PublicRemote = "public:remote";
    public const string PublicRemoteMedia = "public:remote:media";
    public const string Hashtag = "hashtag";
    public const string HashtagLocal = "hashtag:local";
    public const string List = "list";
    public const string Direct = "direct";

    public const string UnknownStream = "Unknown stream type";
    public const string NoTag = "No tag for stream provided";
    public const string NoList = "No list for stream provided";
    public const string NotAuthorizedList = "Not authorized to stream this list";

    private static readonly HashSet<string> PublicStreams = new(StringComparer.Ordinal)
    {
        Public, PublicMedia, PublicLocal, PublicLocalMedia, PublicRemote, PublicRemoteMedia,
    };

    public static string UserGroup(string accountId) => "user:" + accountId;

    public static string NotificationGroup(string accountId) => "user:notification:" + accountId;

    public static string DirectGroup(string accountId) => "direct:" + accountId;

    public static string HashtagGroup(string tag) => "hashtag:" + NormalizeTag(tag);

    public static string LocalHashtagGroup(string tag) => "hashtag:local:" + NormalizeTag(tag);

    public static string ListGroup(string listId) => "list:" + listId;

    /// <summary>Public timelines and hashtags: streams anyone signed in may read, where silenced authors stay out.</summary>
    public static bool IsPublic(string stream) => PublicStreams.Contains(stream) || stream is Hashtag or HashtagLocal;

    /// <summary>The scope a stream needs besides <c>read</c>, as Mastodon's streaming server checks it.</summary>
    public static string RequiredScope(string stream) => stream == UserNotification ? "read:notifications" : "read:statuses";

    /// <summary>Tags as timelines key them: no leading <c>#</c>, lower case.</summary>
    public static string NormalizeTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Trim().TrimStart('#').ToLowerInvariant();
    }

    /// <summary>The group for a stream, or an error message as Mastodon words it; a list id still needs its ownership checked.</summary>
    public static (string? Group, string? Error) Resolve(string? stream, string accountId, string? tag, string? list)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        switch (stream)
        {
            case null or "":
                return (null, UnknownStream);
            case User:
                return (UserGroup(accountId), null);
            case UserNotification:
                return (NotificationGroup(accountId), null);
            case Direct:
                return (DirectGroup(accountId), null);
            case Hashtag or HashtagLocal:
                var normalized = tag is null ? "" : NormalizeTag(tag);
                return normalized.Length == 0
                    ? (null, NoTag)
                    : (stream == Hashtag ? HashtagGroup(normalized) : LocalHashtagGroup(normalized), null);
            case List:
                return string.IsNullOrWhiteSpace(list) ? (null, NoList) : (ListGroup(list.Trim()), null);
            default:
                return PublicStreams.Contains(stream) ? (stream, null) : (null, UnknownStream);
        }
    }

    /// <summary>The <c>stream</c> array of a frame as Mastodon writes it: the tag or list id as the client gave it.</summary>
    public static IReadOnlyList<string> Frame(string stream, string? tag, string? list) => stream switch
    {
        Hashtag or HashtagLocal => [stream, tag?.Trim() ?? ""],
        List => [stream, list?.Trim() ?? ""],
        _ => [stream],
    };
}

/// <summary>Mastodon's streaming event names.</summary>
public static class StreamEvents
{
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Notification = "notification";
    public const string StatusUpdate = "status.update";
    public const string Conversation = "conversation";
    public const string FiltersChanged = "filters_changed";
}
