namespace Serverless.ActivityPub.Outbox;

/// <summary>
/// An activity rendered for delivery, stored once however many inboxes receive it (<c>activities</c>
/// container, pk = id = <c>out:{hash of the activity id}</c>). Queue messages carry only its key.
/// </summary>
public sealed record OutboundActivityRecord
{
    public required string Id { get; init; }

    public required string ActivityId { get; init; }

    /// <summary>The local account whose key signs the deliveries; null for the instance actor.</summary>
    public string? SignerAccountId { get; init; }

    public required string Json { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it may be pruned: after the last retry of its deliveries.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
