namespace Serverless.ActivityPub.Documents;

/// <summary>Media types and well-known ids of ActivityPub.</summary>
public static class ActivityStreams
{
    public const string ContentType = "application/activity+json";
    public const string LdContentType = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
    public const string Context = "https://www.w3.org/ns/activitystreams";
    public const string SecurityContext = "https://w3id.org/security/v1";
    public const string PublicCollection = "https://www.w3.org/ns/activitystreams#Public";

    /// <summary>True when an Accept header asks for ActivityPub JSON (activity+json, or ld+json with any profile).</summary>
    public static bool IsRequestedBy(string? accept) =>
        accept is not null &&
        (accept.Contains("application/activity+json", StringComparison.OrdinalIgnoreCase) ||
         accept.Contains("application/ld+json", StringComparison.OrdinalIgnoreCase));
}
