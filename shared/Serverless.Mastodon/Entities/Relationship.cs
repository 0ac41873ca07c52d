namespace Serverless.Mastodon.Entities;

/// <summary>Mastodon's Relationship entity: how the signed-in account relates to another.</summary>
public sealed record Relationship
{
    public required string Id { get; init; }
    public bool Following { get; init; }
    public bool ShowingReblogs { get; init; }
    public bool Notifying { get; init; }
    public List<string>? Languages { get; init; }
    public bool FollowedBy { get; init; }
    public bool Blocking { get; init; }
    public bool BlockedBy { get; init; }
    public bool Muting { get; init; }
    public bool MutingNotifications { get; init; }
    public bool Requested { get; init; }
    public bool RequestedBy { get; init; }
    public bool DomainBlocking { get; init; }
    public bool Endorsed { get; init; }
    public string Note { get; init; } = "";
}

/// <summary>Mastodon's FamiliarFollowers entity: accounts you follow that follow <see cref="Id"/>.</summary>
public sealed record FamiliarFollowers(string Id, List<Account> Accounts);
