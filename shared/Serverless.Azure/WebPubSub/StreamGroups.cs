using Serverless.Core.Streaming;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// Mastodon stream names (as in <c>?stream=</c> and subscribe frames) and the Web PubSub groups
/// they join: the same groups the publishers send to, as <see cref="StreamNames"/> defines them
/// (<c>user:{id}</c>, <c>user:notification:{id}</c>, <c>public[:local|:remote][:media]</c>,
/// <c>hashtag:{tag}</c>, <c>hashtag:local:{tag}</c>, <c>list:{id}</c>, <c>direct:{id}</c>).
/// </summary>
public static class StreamGroups
{
    /// <summary>The group for a stream, or an error message as Mastodon words it; a list id still needs its ownership checked.</summary>
    public static (string? Group, string? Error) Resolve(string? stream, string accountId, string? tag, string? list) =>
        StreamNames.Resolve(stream, accountId, tag, list);
}
