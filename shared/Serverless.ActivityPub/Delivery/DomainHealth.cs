using Serverless.ActivityPub.Json;
using Serverless.Core.Storage;

namespace Serverless.ActivityPub.Delivery;

/// <summary>
/// Per-domain delivery health (<see cref="DomainRecord"/>). Reads are point reads of one small
/// document; healthy domains have none, so the common path is a miss the store's cache answers.
/// </summary>
public sealed class DomainHealth(IDocumentStore store, TimeProvider time)
{
    public async Task<bool> IsUnavailableAsync(string domain, CancellationToken cancellationToken) =>
        (await ReadAsync(domain, cancellationToken))?.Value.UnavailableSince is not null;

    /// <summary>A delivery failed and will be retried.</summary>
    public async Task RecordFailureAsync(string domain, CancellationToken cancellationToken)
    {
        var current = (await ReadAsync(domain, cancellationToken))?.Value ?? new DomainRecord { Id = domain };
        var updated = current with { Failures = current.Failures + 1, FirstFailureAt = current.FirstFailureAt ?? time.GetUtcNow() };
        await store.UpsertAsync(Containers.Domains, domain, domain, updated, FederationJsonContext.Default.DomainRecord, ifMatch: null, cancellationToken);
    }

    /// <summary>A delivery exhausted its retries: the domain has kept failing for the whole schedule.</summary>
    public async Task RecordGaveUpAsync(string domain, CancellationToken cancellationToken)
    {
        var current = (await ReadAsync(domain, cancellationToken))?.Value ?? new DomainRecord { Id = domain };
        var now = time.GetUtcNow();
        var updated = current with { Failures = current.Failures + 1, FirstFailureAt = current.FirstFailureAt ?? now, UnavailableSince = current.UnavailableSince ?? now };
        await store.UpsertAsync(Containers.Domains, domain, domain, updated, FederationJsonContext.Default.DomainRecord, ifMatch: null, cancellationToken);
    }

    /// <summary>The domain answered (a delivery succeeded, or it sent us an activity): it is available again.</summary>
    public async Task RecordSuccessAsync(string domain, CancellationToken cancellationToken)
    {
        if (await ReadAsync(domain, cancellationToken) is not null)
        {
            await store.DeleteAsync(Containers.Domains, domain, domain, ifMatch: null, cancellationToken);
        }
    }

    public async Task<DomainRecord?> GetAsync(string domain, CancellationToken cancellationToken) => (await ReadAsync(domain, cancellationToken))?.Value;

    private Task<StoredDocument<DomainRecord>?> ReadAsync(string domain, CancellationToken cancellationToken) =>
        store.ReadAsync(Containers.Domains, domain, domain, FederationJsonContext.Default.DomainRecord, cancellationToken);
}
