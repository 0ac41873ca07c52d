namespace Serverless.Mastodon.Entities;

/// <summary>The v2 Instance entity (<c>GET /api/v2/instance</c>).</summary>
public sealed record InstanceV2
{
    public required string Domain { get; init; }
    public required string Title { get; init; }
    public required string Version { get; init; }
    public required string SourceUrl { get; init; }
    public required string Description { get; init; }
    public required InstanceUsage Usage { get; init; }
    public required InstanceThumbnail Thumbnail { get; init; }
    public List<string> Languages { get; init; } = ["en"];
    public required InstanceConfiguration Configuration { get; init; }
    public required InstanceRegistrations Registrations { get; init; }
    public required InstanceContact Contact { get; init; }
    public List<Rule> Rules { get; init; } = [];
    public required Dictionary<string, int> ApiVersions { get; init; }
    public List<object> Icon { get; init; } = [];
}

public sealed record InstanceUsage(InstanceUsers Users);

public sealed record InstanceUsers(long ActiveMonth);

public sealed record InstanceThumbnail(string Url, string? Blurhash, object? Versions);

public sealed record InstanceConfiguration
{
    public required InstanceUrls Urls { get; init; }
    public required VapidConfiguration Vapid { get; init; }
    public required AccountsConfiguration Accounts { get; init; }
    public required StatusesConfiguration Statuses { get; init; }
    public required MediaConfiguration MediaAttachments { get; init; }
    public required PollsConfiguration Polls { get; init; }
    public required TranslationConfiguration Translation { get; init; }
    public required TimelinesAccessConfiguration TimelinesAccess { get; init; }
}

public sealed record InstanceUrls(string Streaming, string? Status, string? About, string? PrivacyPolicy, string? TermsOfService);

public sealed record VapidConfiguration(string PublicKey);

public sealed record AccountsConfiguration(int MaxFeaturedTags, int MaxPinnedStatuses);

public sealed record StatusesConfiguration(int MaxCharacters, int MaxMediaAttachments, int CharactersReservedPerUrl);

public sealed record MediaConfiguration
{
    public required List<string> SupportedMimeTypes { get; init; }
    public int DescriptionLimit { get; init; } = 1500;
    public long ImageSizeLimit { get; init; } = 16_777_216;
    public long ImageMatrixLimit { get; init; } = 33_177_600;
    public long VideoSizeLimit { get; init; } = 103_809_024;
    public int VideoFrameRateLimit { get; init; } = 120;
    public long VideoMatrixLimit { get; init; } = 8_294_400;
}

public sealed record PollsConfiguration(int MaxOptions, int MaxCharactersPerOption, int MinExpiration, int MaxExpiration);

public sealed record TranslationConfiguration(bool Enabled);

public sealed record TimelinesAccessConfiguration(TimelineAccess LiveFeeds, TimelineAccess HashtagFeeds, TimelineAccess TrendingLinkFeeds);

public sealed record TimelineAccess(string Local, string Remote);

public sealed record InstanceRegistrations(bool Enabled, bool ApprovalRequired, string? Message, string? Url, int MinAge, bool ReasonRequired);

public sealed record InstanceContact(string Email, Account? Account);

public sealed record Rule(string Id, string Text, string Hint);

/// <summary>The v1 Instance entity (<c>GET /api/v1/instance</c>), still read by older clients and by megalodon.</summary>
public sealed record InstanceV1
{
    public required string Uri { get; init; }
    public required string Title { get; init; }
    public required string ShortDescription { get; init; }
    public required string Description { get; init; }
    public required string Email { get; init; }
    public required string Version { get; init; }
    public required InstanceV1Urls Urls { get; init; }
    public required InstanceV1Stats Stats { get; init; }
    public string? Thumbnail { get; init; }
    public List<string> Languages { get; init; } = ["en"];
    public bool Registrations { get; init; }
    public bool ApprovalRequired { get; init; }
    public bool InvitesEnabled { get; init; }
    public required InstanceV1Configuration Configuration { get; init; }
    public Account? ContactAccount { get; init; }
    public List<Rule> Rules { get; init; } = [];
}

public sealed record InstanceV1Urls(string StreamingApi);

public sealed record InstanceV1Stats(long UserCount, long StatusCount, long DomainCount);

public sealed record InstanceV1Configuration
{
    public required AccountsConfiguration Accounts { get; init; }
    public required StatusesConfiguration Statuses { get; init; }
    public required MediaConfiguration MediaAttachments { get; init; }
    public required PollsConfiguration Polls { get; init; }
}
