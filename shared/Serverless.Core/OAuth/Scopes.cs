namespace Serverless.Core.OAuth;

/// <summary>Mastodon's OAuth scopes: the four top-level ones and their granular forms (<c>read:statuses</c>, …).</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Follow = "follow";
    public const string Push = "push";
    public const string Profile = "profile";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        Read, Write, Follow, Push, Profile, "admin:read", "admin:write",
        "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows", "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
        "write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites", "write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications", "write:reports", "write:statuses",
        "admin:read:accounts", "admin:read:reports", "admin:read:domain_allows", "admin:read:domain_blocks", "admin:read:ip_blocks", "admin:read:email_domain_blocks", "admin:read:canonical_email_blocks",
        "admin:write:accounts", "admin:write:reports", "admin:write:domain_allows", "admin:write:domain_blocks", "admin:write:ip_blocks", "admin:write:email_domain_blocks", "admin:write:canonical_email_blocks",
    };

    /// <summary>Parses a space-separated scope list (<c>"read write"</c>; <c>+</c> also separates, as some clients send it). Empty means <c>read</c>.</summary>
    public static IReadOnlyList<string> Parse(string? value)
    {
        var parts = (value ?? "").Split([' ', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? [Read] : parts.Distinct(StringComparer.Ordinal).ToList();
    }

    public static bool IsKnown(string scope) => Known.Contains(scope);

    /// <summary>Every scope, top-level ones first, as the authorization server metadata lists them.</summary>
    public static IReadOnlyList<string> Supported { get; } =
        [.. new[] { Read, Profile, Write, Follow, Push }, .. Known.Where(s => s is not (Read or Profile or Write or Follow or Push)).Order(StringComparer.Ordinal)];

    /// <summary>What a scope lets an app do, in words, for the consent page.</summary>
    public static string Describe(string scope) => scope switch
    {
        Read => "Read everything in your account",
        Write => "Change everything in your account",
        Follow => "Follow, unfollow, block and mute accounts",
        Push => "Receive push notifications for you",
        Profile => "Read your basic profile only",
        "read:accounts" => "See account information",
        "read:blocks" => "See whom you block",
        "read:bookmarks" => "See your bookmarks",
        "read:favourites" => "See your favourites",
        "read:filters" => "See your filters",
        "read:follows" => "See whom you follow",
        "read:lists" => "See your lists",
        "read:mutes" => "See whom you mute",
        "read:notifications" => "See your notifications",
        "read:search" => "Search as you",
        "read:statuses" => "See posts, including private ones you can see",
        "write:accounts" => "Edit your profile",
        "write:blocks" => "Block accounts and domains",
        "write:bookmarks" => "Bookmark posts",
        "write:conversations" => "Mute and remove conversations",
        "write:favourites" => "Favourite posts",
        "write:filters" => "Create and change filters",
        "write:follows" => "Follow and unfollow accounts",
        "write:lists" => "Create and change lists",
        "write:media" => "Upload media",
        "write:mutes" => "Mute accounts and conversations",
        "write:notifications" => "Dismiss your notifications",
        "write:reports" => "Report accounts and posts",
        "write:statuses" => "Publish, edit and delete posts",
        "admin:read" => "Read all data on the server (moderators)",
        "admin:write" => "Change all data on the server (moderators)",
        _ when scope.StartsWith("admin:read:", StringComparison.Ordinal) => "Read moderation data: " + scope["admin:read:".Length..].Replace('_', ' '),
        _ when scope.StartsWith("admin:write:", StringComparison.Ordinal) => "Moderate: " + scope["admin:write:".Length..].Replace('_', ' '),
        _ => scope,
    };

    /// <summary>True when <paramref name="granted"/> covers <paramref name="required"/>: <c>read</c> covers <c>read:statuses</c>; <c>follow</c> covers the follow-related granular scopes.</summary>
    public static bool Covers(IReadOnlyList<string> granted, string required)
    {
        ArgumentNullException.ThrowIfNull(granted);
        ArgumentNullException.ThrowIfNull(required);
        foreach (var scope in granted)
        {
            if (scope == required)
            {
                return true;
            }

            if (required.StartsWith(scope + ":", StringComparison.Ordinal))
            {
                return true;
            }

            if (scope == Follow && required is "read:follows" or "write:follows" or "read:blocks" or "write:blocks" or "read:mutes" or "write:mutes")
            {
                return true;
            }

            // The profile scope grants only verify_credentials, which asks for read:accounts or profile.
        }

        return false;
    }

    /// <summary>True when every scope asked for is covered by what the app registered.</summary>
    public static bool AllCovered(IReadOnlyList<string> allowed, IReadOnlyList<string> requested) => requested.All(s => Covers(allowed, s));
}
