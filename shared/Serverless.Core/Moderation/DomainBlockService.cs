using System.Collections.Concurrent;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Queues;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>What the instance's moderators decided about one remote domain.</summary>
/// <param name="Block">The most specific block covering the domain (its own or a parent's), if any.</param>
/// <param name="Refused">Whether federation with it is refused: suspended, or not allowed in limited federation mode.</param>
public readonly record struct DomainPolicy(DomainBlockRecord? Block, bool Refused)
{
    public static readonly DomainPolicy None = new(null, false);

    public bool Silenced => Block?.IsSilence == true;

    public bool RejectMedia => Refused || Block?.RejectMedia == true;

    public bool RejectReports => Refused || Block?.RejectReports == true;
}

/// <summary>
/// Instance domain blocks and allows (Mastodon's <c>DomainBlock</c> and <c>DomainAllow</c>), and the one question federation
/// asks on its hot paths: may we talk to this domain? Each answer is a few point reads (the domain and its parents) that
/// the store's cache answers, kept here for a short while too, so inboxes and deliveries pay next to nothing.
/// </summary>
public sealed class DomainBlockService(IDocumentStore store, SnowflakeIds ids, InstanceOptions options, IWorkQueue queue, TimeProvider time)
{
    /// <summary>How long an answer is reused in this process; writes here forget it at once.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (DomainBlockRecord? Block, bool Allowed, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The block covering a domain (its own, else its nearest parent's); null when none.</summary>
    public async Task<DomainBlockRecord?> GetAsync(string domain, CancellationToken cancellationToken) =>
        (await PolicyAsync(domain, cancellationToken)).Block;

    /// <summary>True when federation with the domain is refused (suspended, or not allowed in limited federation mode).</summary>
    public async Task<bool> IsSuspendedAsync(string? domain, CancellationToken cancellationToken) =>
        (await PolicyAsync(domain, cancellationToken)).Refused;

    /// <summary>The moderators' decisions that apply to a domain; local (null) and malformed domains have none.</summary>
    public async Task<DomainPolicy> PolicyAsync(string? domain, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(domain) || string.Equals(domain, options.LocalDomain, StringComparison.OrdinalIgnoreCase))
        {
            return DomainPolicy.None;
        }

        domain = domain.ToLowerInvariant();
        DomainBlockRecord? block = null;
        var allowed = false;
        foreach (var candidate in DomainNames.WithParents(domain))
        {
            var (own, allow) = await ReadAsync(candidate, cancellationToken);
            block ??= own;
            allowed |= allow;
        }

        var refused = block?.IsSuspend == true || (options.LimitedFederationMode && !allowed);
        return new DomainPolicy(block, refused);
    }

    /// <summary>The blocks, newest first, by sortable id cursors.</summary>
    public async Task<IReadOnlyList<DomainBlockRecord>> ListAsync(string? maxId, string? minId, int limit, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Domains, Page(DomainBlockRecord.IndexPartition, maxId, minId, limit), ModerationJsonContext.Default.DomainBlockRecord, cancellationToken);
        return Ordered(page.Items.Select(i => i.Value), minId, b => b.Id);
    }

    public async Task<DomainBlockRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(id, out _)
            ? (await store.ReadAsync(Containers.Domains, DomainBlockRecord.IndexPartition, SnowflakeIds.Sortable(id), ModerationJsonContext.Default.DomainBlockRecord, cancellationToken))?.Value
            : null;

    /// <summary>
    /// Blocks a domain. A domain that already has its own block is a 422, as Mastodon's; a suspension starts the purge
    /// of the domain's cached accounts and content, a silence limits its accounts.
    /// </summary>
    public async Task<DomainBlockRecord> CreateAsync(DomainBlockRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = DomainNames.Normalize(request.Domain) ?? throw ValidationFailedException.ForField("domain", "ERR_INVALID", "is not a valid domain");
        if (string.Equals(domain, options.LocalDomain, StringComparison.OrdinalIgnoreCase))
        {
            throw ValidationFailedException.ForField("domain", "ERR_INVALID", "is this server");
        }

        if (!DomainBlockSeverity.IsKnown(request.Severity))
        {
            throw ValidationFailedException.ForField("severity", "ERR_INCLUSION", "is not included in the list");
        }

        var block = request with { Id = ids.NextString(), Domain = domain, CreatedAt = time.GetUtcNow() };
        try
        {
            await store.CreateAsync(Containers.Domains, domain, DomainBlockRecord.DocumentId, block, ModerationJsonContext.Default.DomainBlockRecord, cancellationToken);
        }
        catch (DocumentConflictException)
        {
            throw ValidationFailedException.ForField("domain", "ERR_TAKEN", "has already been taken");
        }

        await store.UpsertAsync(Containers.Domains, DomainBlockRecord.IndexPartition, SnowflakeIds.Sortable(block.Id), block, ModerationJsonContext.Default.DomainBlockRecord, ifMatch: null, cancellationToken);
        Forget(domain);
        await StartEnforcementAsync(block, cancellationToken);
        return block;
    }

    /// <summary>Changes a block (not its domain); a new severity is enforced as on creation.</summary>
    public async Task<DomainBlockRecord> UpdateAsync(string id, Func<DomainBlockRecord, DomainBlockRecord> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var existing = await FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException();
        var updated = change(existing) with { Id = existing.Id, Domain = existing.Domain, CreatedAt = existing.CreatedAt };
        if (!DomainBlockSeverity.IsKnown(updated.Severity))
        {
            throw ValidationFailedException.ForField("severity", "ERR_INCLUSION", "is not included in the list");
        }

        await store.UpsertAsync(Containers.Domains, updated.Domain, DomainBlockRecord.DocumentId, updated, ModerationJsonContext.Default.DomainBlockRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Domains, DomainBlockRecord.IndexPartition, SnowflakeIds.Sortable(updated.Id), updated, ModerationJsonContext.Default.DomainBlockRecord, ifMatch: null, cancellationToken);
        Forget(updated.Domain);
        if (updated.Severity != existing.Severity)
        {
            await StartEnforcementAsync(updated, cancellationToken);
        }

        return updated;
    }

    /// <summary>Lifts a block. Suspended accounts stay suspended (their content is gone); silenced ones are unsilenced, as Mastodon's UnblockDomainService.</summary>
    public async Task<DomainBlockRecord> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException();
        await store.DeleteAsync(Containers.Domains, existing.Domain, DomainBlockRecord.DocumentId, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Domains, DomainBlockRecord.IndexPartition, SnowflakeIds.Sortable(existing.Id), ifMatch: null, cancellationToken);
        Forget(existing.Domain);
        if (existing.IsSilence)
        {
            await queue.SendJsonAsync(QueueNames.Pull, new PurgeMessage(DomainPurge.Kind, DomainPurge.Target(existing.Domain, null)), ModerationJsonContext.Default.PurgeMessage, cancellationToken);
        }

        return existing;
    }

    public async Task<IReadOnlyList<DomainAllowRecord>> ListAllowsAsync(string? maxId, string? minId, int limit, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Domains, Page(DomainAllowRecord.IndexPartition, maxId, minId, limit), ModerationJsonContext.Default.DomainAllowRecord, cancellationToken);
        return Ordered(page.Items.Select(i => i.Value), minId, a => a.Id);
    }

    public async Task<DomainAllowRecord?> FindAllowAsync(string id, CancellationToken cancellationToken) =>
        SnowflakeIds.TryParse(id, out _)
            ? (await store.ReadAsync(Containers.Domains, DomainAllowRecord.IndexPartition, SnowflakeIds.Sortable(id), ModerationJsonContext.Default.DomainAllowRecord, cancellationToken))?.Value
            : null;

    /// <summary>Allows a domain; allowing one already allowed returns the existing allow (Mastodon answers it the same way).</summary>
    public async Task<DomainAllowRecord> AllowAsync(string? domainInput, CancellationToken cancellationToken)
    {
        var domain = DomainNames.Normalize(domainInput) ?? throw ValidationFailedException.ForField("domain", "ERR_INVALID", "is not a valid domain");
        var existing = await store.ReadAsync(Containers.Domains, domain, DomainAllowRecord.DocumentId, ModerationJsonContext.Default.DomainAllowRecord, cancellationToken);
        if (existing is not null)
        {
            return existing.Value;
        }

        var allow = new DomainAllowRecord { Id = ids.NextString(), Domain = domain, CreatedAt = time.GetUtcNow() };
        await store.UpsertAsync(Containers.Domains, domain, DomainAllowRecord.DocumentId, allow, ModerationJsonContext.Default.DomainAllowRecord, ifMatch: null, cancellationToken);
        await store.UpsertAsync(Containers.Domains, DomainAllowRecord.IndexPartition, SnowflakeIds.Sortable(allow.Id), allow, ModerationJsonContext.Default.DomainAllowRecord, ifMatch: null, cancellationToken);
        Forget(domain);
        return allow;
    }

    /// <summary>Removes an allow; in limited federation mode the domain's cached content is then purged, as Mastodon's.</summary>
    public async Task<DomainAllowRecord> DisallowAsync(string id, CancellationToken cancellationToken)
    {
        var existing = await FindAllowAsync(id, cancellationToken) ?? throw new RecordNotFoundException();
        await store.DeleteAsync(Containers.Domains, existing.Domain, DomainAllowRecord.DocumentId, ifMatch: null, cancellationToken);
        await store.DeleteAsync(Containers.Domains, DomainAllowRecord.IndexPartition, SnowflakeIds.Sortable(existing.Id), ifMatch: null, cancellationToken);
        Forget(existing.Domain);
        if (options.LimitedFederationMode)
        {
            await queue.SendJsonAsync(QueueNames.Pull, new PurgeMessage(DomainPurge.Kind, DomainPurge.Target(existing.Domain, null)), ModerationJsonContext.Default.PurgeMessage, cancellationToken);
        }

        return existing;
    }

    /// <summary>The enforcement of a severity runs on the <c>pull</c> queue, a page of the domain's accounts at a time.</summary>
    private Task StartEnforcementAsync(DomainBlockRecord block, CancellationToken cancellationToken) =>
        block.Severity == DomainBlockSeverity.Noop
            ? Task.CompletedTask
            : queue.SendJsonAsync(QueueNames.Pull, new PurgeMessage(DomainPurge.Kind, DomainPurge.Target(block.Domain, null)), ModerationJsonContext.Default.PurgeMessage, cancellationToken);

    private async Task<(DomainBlockRecord? Block, bool Allowed)> ReadAsync(string domain, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(domain, out var cached) && cached.Until > now)
        {
            return (cached.Block, cached.Allowed);
        }

        var block = (await store.ReadAsync(Containers.Domains, domain, DomainBlockRecord.DocumentId, ModerationJsonContext.Default.DomainBlockRecord, cancellationToken))?.Value;
        var allowed = options.LimitedFederationMode
            && await store.ReadAsync(Containers.Domains, domain, DomainAllowRecord.DocumentId, ModerationJsonContext.Default.DomainAllowRecord, cancellationToken) is not null;
        _cache[domain] = (block, allowed, now + CacheFor);
        return (block, allowed);
    }

    private void Forget(string domain) => _cache.TryRemove(domain, out _);

    private static DocumentQuery Page(string partition, string? maxId, string? minId, int limit) => new(partition)
    {
        IdBefore = maxId is not null && SnowflakeIds.TryParse(maxId, out _) ? SnowflakeIds.Sortable(maxId) : null,
        IdAfter = minId is not null && SnowflakeIds.TryParse(minId, out _) ? SnowflakeIds.Sortable(minId) : null,
        Descending = minId is null,
        Limit = limit,
    };

    /// <summary>Pages read upwards (<c>min_id</c>) come back oldest first; clients always get newest first.</summary>
    private static List<T> Ordered<T>(IEnumerable<T> items, string? minId, Func<T, string> id) =>
        minId is null ? items.ToList() : items.OrderByDescending(i => long.Parse(id(i), System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
