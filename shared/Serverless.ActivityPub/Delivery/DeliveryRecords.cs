namespace Serverless.ActivityPub.Delivery;

/// <summary>A message on the <c>deliver</c> queue: one stored activity to one inbox; <paramref name="Attempt"/> counts retries.</summary>
public sealed record DeliverMessage(string ActivityKey, string Inbox, int Attempt = 0);

/// <summary>
/// "This activity was queued for this inbox", stored beside the activity (pk = the activity's key,
/// id = <c>to:{hash of the inbox}</c>), so that fan-out pages sharing an inbox deliver once.
/// </summary>
public sealed record DeliveryMarker(string Inbox, DateTimeOffset QueuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// What we know of a remote domain's health (<c>domains</c> container, pk = id = the domain). Deliveries
/// that fail are counted; one that gives up after every retry marks the domain unavailable, and
/// deliveries to it are skipped until it is heard from again (a delivery succeeds or an activity arrives).
/// </summary>
public sealed record DomainRecord
{
    public required string Id { get; init; }

    public int Failures { get; init; }

    public DateTimeOffset? FirstFailureAt { get; init; }

    public DateTimeOffset? UnavailableSince { get; init; }
}
