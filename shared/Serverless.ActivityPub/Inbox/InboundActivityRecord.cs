namespace Serverless.ActivityPub.Inbox;

/// <summary>
/// An activity received at an inbox, stored in the <c>activities</c> container (pk = id = <c>in:{hash of the activity id}</c>)
/// until ingested. The document doubles as the "already received" marker: a redelivery finds it and is dropped.
/// </summary>
public sealed record InboundActivityRecord
{
    public required string Id { get; init; }

    /// <summary>The activity's own id.</summary>
    public required string ActivityId { get; init; }

    public required string Type { get; init; }

    /// <summary>The account (ours) of the verified actor.</summary>
    public required string ActorAccountId { get; init; }

    /// <summary>The local account whose personal inbox received it; null for the shared inbox.</summary>
    public string? InboxAccountId { get; init; }

    /// <summary>The activity as received; removed once ingested.</summary>
    public string? Json { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When the marker may be pruned: redeliveries after this are processed again (handlers are idempotent anyway).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A message on the <c>ingest</c> queue: which stored activity to process.</summary>
public sealed record IngestMessage(string Key, int Attempt = 0);
