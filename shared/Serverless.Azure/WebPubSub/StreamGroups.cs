namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Mastodon stream names (as in <c>?stream=</c> and subscribe frames) and the Web PubSub groups
/// they join: <c>user</c> → <c>user:{id}</c>, <c>user:notification</c> →
/// <c>user:notification:{id}</c>, <c>public[:local|:remote][:media]</c> → the same name,
/// <c>hashtag</c> → <c>hashtag:{tag}</c>, <c>hashtag:local</c> → <c>hashtag:local:{tag}</c>,
/// <c>list</c> → <c>list:{id}</c>, <c>direct</c> → <c>direct:{id}</c>.
/// </summary>
public static class StreamGroups
{
    private static readonly HashSet<string> Public = new(StringComparer.Ordinal)
    {
        "public", "public:media", "public:local", "public:local:media", "public:remote", "public:remote:media",
    };

    /// <summary>The group for a stream, or an error message as Mastodon words it; a list id still needs its ownership checked.</summary>
    public static (string? Group, string? Error) Resolve(string? stream, string accountId, string? tag, string? list)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        switch (stream)
        {
            case null or "":
                return (null, "Unknown stream type");
            case "user":
                return ("user:" + accountId, null);
            case "user:notification":
                return ("user:notification:" + accountId, null);
            case "direct":
                return ("direct:" + accountId, null);
            case "hashtag" or "hashtag:local":
                var normalized = tag?.Trim().TrimStart('#').ToLowerInvariant();
                return string.IsNullOrEmpty(normalized)
                    ? (null, "No tag for stream provided")
                    : (stream + ":" + normalized, null);
            case "list":
                return string.IsNullOrWhiteSpace(list) ? (null, "No list for stream provided") : ("list:" + list.Trim(), null);
            default:
                return Public.Contains(stream) ? (stream, null) : (null, "Unknown stream type");
        }
    }
}
