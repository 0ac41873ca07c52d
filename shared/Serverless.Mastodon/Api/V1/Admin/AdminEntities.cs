using System.Text.Json.Serialization;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Api.V1.Admin;

/// <summary>Mastodon's Report entity, as its reporter sees it.</summary>
public sealed record Report
{
    public required string Id { get; init; }
    public bool ActionTaken { get; init; }
    public string? ActionTakenAt { get; init; }
    public required string Category { get; init; }
    public required string Comment { get; init; }
    public bool Forwarded { get; init; }
    public required string CreatedAt { get; init; }
    public List<string> StatusIds { get; init; } = [];
    public List<string> RuleIds { get; init; } = [];
    public required Account TargetAccount { get; init; }
}

/// <summary>Mastodon's Admin::Account entity.</summary>
public sealed record AdminAccount
{
    public required string Id { get; init; }
    public required string Username { get; init; }
    public string? Domain { get; init; }
    public required string CreatedAt { get; init; }
    public string? Email { get; init; }
    public string? Ip { get; init; }
    public List<AdminIp> Ips { get; init; } = [];
    public string? Locale { get; init; }
    public string? InviteRequest { get; init; }
    public Role? Role { get; init; }
    public bool Confirmed { get; init; }
    public bool Approved { get; init; }
    public bool Disabled { get; init; }
    public bool Silenced { get; init; }
    public bool Suspended { get; init; }
    public bool Sensitized { get; init; }
    public required Account Account { get; init; }
    public string? CreatedByApplicationId { get; init; }
    public string? InvitedByAccountId { get; init; }
}

public sealed record AdminIp(string Ip, string UsedAt);

/// <summary>Mastodon's Admin::Report entity.</summary>
public sealed record AdminReport
{
    public required string Id { get; init; }
    public bool ActionTaken { get; init; }
    public string? ActionTakenAt { get; init; }
    public required string Category { get; init; }
    public required string Comment { get; init; }
    public bool Forwarded { get; init; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; init; }
    public required AdminAccount Account { get; init; }
    public required AdminAccount TargetAccount { get; init; }
    public AdminAccount? AssignedAccount { get; init; }
    public AdminAccount? ActionTakenByAccount { get; init; }
    public List<Status> Statuses { get; init; } = [];
    public List<Rule> Rules { get; init; } = [];
}

/// <summary>Mastodon's Admin::DomainBlock entity.</summary>
public sealed record AdminDomainBlock
{
    public required string Id { get; init; }
    public required string Domain { get; init; }
    public required string Digest { get; init; }
    public required string CreatedAt { get; init; }
    public required string Severity { get; init; }
    public bool RejectMedia { get; init; }
    public bool RejectReports { get; init; }
    public string? PrivateComment { get; init; }
    public string? PublicComment { get; init; }
    public bool Obfuscate { get; init; }
}

/// <summary>Mastodon's Admin::DomainAllow entity.</summary>
public sealed record AdminDomainAllow(string Id, string Domain, string CreatedAt);

/// <summary>Mastodon's DomainBlock entity (the public list of moderated servers).</summary>
public sealed record PublicDomainBlock(string Domain, string Digest, string Severity, string? Comment);

/// <summary>An empty JSON object, which Mastodon answers for some admin actions.</summary>
public sealed record EmptyObject;

/// <summary>Source-generated serialisation of the moderation area's entities, in Mastodon's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Report))]
[JsonSerializable(typeof(AdminAccount))]
[JsonSerializable(typeof(List<AdminAccount>))]
[JsonSerializable(typeof(AdminReport))]
[JsonSerializable(typeof(List<AdminReport>))]
[JsonSerializable(typeof(AdminDomainBlock))]
[JsonSerializable(typeof(List<AdminDomainBlock>))]
[JsonSerializable(typeof(AdminDomainAllow))]
[JsonSerializable(typeof(List<AdminDomainAllow>))]
[JsonSerializable(typeof(List<PublicDomainBlock>))]
[JsonSerializable(typeof(Rule))]
[JsonSerializable(typeof(List<Rule>))]
[JsonSerializable(typeof(EmptyObject))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
