using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Fanout;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Queues;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.Statuses;

/// <summary>Posts and reads statuses. A new status is stored, counted, and handed to the <c>fanout</c> queue, which puts it on timelines.</summary>
public sealed partial class StatusService(
    IDocumentStore store,
    IWorkQueue queue,
    AccountService accounts,
    SnowflakeIds ids,
    TimeProvider time,
    LocalUrls urls,
    Instance.InstanceStats stats,
    ILogger<StatusService> logger)
{
    public const int MaxCharacters = 500;

    /// <summary>What a client asked to post.</summary>
    public sealed record NewStatus(string? Text, string? Visibility, bool Sensitive, string? SpoilerText, string? Language, string? InReplyToId, string? IdempotencyKey, string? ApplicationName, string? ApplicationWebsite);

    public async Task<StatusRecord> CreateAsync(AccountRecord author, UserRecord user, NewStatus request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);

        var text = request.Text ?? "";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationFailedException("Validation failed: Text can't be blank");
        }

        if (TextFormatter.CountCharacters(text) + (request.SpoilerText?.Length ?? 0) > MaxCharacters)
        {
            throw new ValidationFailedException($"Validation failed: Text character limit of {MaxCharacters} exceeded");
        }

        var visibility = string.IsNullOrEmpty(request.Visibility) ? user.DefaultVisibility : request.Visibility;
        if (!Visibility.IsValid(visibility))
        {
            throw new ValidationFailedException("Validation failed: Visibility is not included in the list");
        }

        StatusRecord? parent = null;
        if (!string.IsNullOrEmpty(request.InReplyToId))
        {
            parent = await GetAsync(request.InReplyToId, cancellationToken);
            if (parent is null)
            {
                throw new ValidationFailedException("Validation failed: Reply to status does not exist");
            }
        }

        var id = ids.NextString();

        // Idempotency-Key: the first request with a key claims it; a retry gets the same status back.
        string? idempotencyKey = null;
        if (!string.IsNullOrEmpty(request.IdempotencyKey))
        {
            idempotencyKey = $"idempotency:{author.Id}:{Secrets.Hash(request.IdempotencyKey)}";
            try
            {
                await store.CreateAsync(Containers.Lookups, idempotencyKey, idempotencyKey, new LookupRecord(idempotencyKey, id), StoreJsonContext.Default.LookupRecord, cancellationToken);
            }
            catch (DocumentConflictException)
            {
                var earlier = await store.ReadAsync(Containers.Lookups, idempotencyKey, idempotencyKey, StoreJsonContext.Default.LookupRecord, cancellationToken);
                if (earlier is not null && await GetAsync(earlier.Value.TargetId, cancellationToken) is { } existing)
                {
                    return existing;
                }

                throw new ValidationFailedException("A request with this Idempotency-Key is still being processed");
            }
        }

        var now = time.GetUtcNow();
        var status = new StatusRecord
        {
            Id = id,
            AccountId = author.Id,
            Uri = urls.StatusUri(author.Username, id),
            Url = urls.StatusUrl(author.Username, id),
            Text = text,
            Content = TextFormatter.ToHtml(text),
            SpoilerText = request.SpoilerText ?? "",
            Sensitive = request.Sensitive || !string.IsNullOrEmpty(request.SpoilerText),
            Visibility = visibility,
            Language = string.IsNullOrEmpty(request.Language) ? user.DefaultLanguage ?? user.Locale : request.Language,
            InReplyToId = parent?.Id,
            InReplyToAccountId = parent?.AccountId,
            CreatedAt = now,
            ApplicationName = request.ApplicationName,
            ApplicationWebsite = request.ApplicationWebsite,
        };

        try
        {
            await store.CreateAsync(Containers.Statuses, id, id, status, StoreJsonContext.Default.StatusRecord, cancellationToken);
            await queue.SendJsonAsync(QueueNames.Fanout, new FanoutMessage(FanoutEvents.Create, id), StoreJsonContext.Default.FanoutMessage, cancellationToken);
        }
        catch
        {
            // Leave nothing half-written: a status that will never be fanned out is removed with its key.
            await store.DeleteAsync(Containers.Statuses, id, id, ifMatch: null, CancellationToken.None);
            if (idempotencyKey is not null)
            {
                await store.DeleteAsync(Containers.Lookups, idempotencyKey, idempotencyKey, ifMatch: null, CancellationToken.None);
            }

            throw;
        }

        // Counters are best-effort after the status exists: a failure here must not lose the post.
        try
        {
            await accounts.IncrementCountersAsync(author.Id, 1, now, cancellationToken);
            await stats.AddAsync(users: 0, statuses: 1, cancellationToken);
            if (parent is not null)
            {
                await store.PatchAsync(Containers.Statuses, parent.Id, parent.Id, [PatchOperation.Increment("/repliesCount", 1)], ifMatch: null, cancellationToken);
            }
        }
        catch (DocumentStoreException ex)
        {
            LogCounterFailed(logger, ex, id);
        }

        return status;
    }

    public async Task<StatusRecord?> GetAsync(string statusId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(statusId, out _))
        {
            return null;
        }

        var doc = await store.ReadAsync(Containers.Statuses, statusId, statusId, StoreJsonContext.Default.StatusRecord, cancellationToken);
        return doc?.Value is { DeletedAt: null } status ? status : null;
    }

    public async Task<IReadOnlyList<StatusRecord>> GetManyAsync(IReadOnlyList<string> statusIds, CancellationToken cancellationToken)
    {
        if (statusIds.Count == 0)
        {
            return [];
        }

        var docs = await store.ReadManyAsync(Containers.Statuses, statusIds.Select(id => new DocumentKey(id, id)).ToList(), StoreJsonContext.Default.StatusRecord, cancellationToken);
        return docs.Select(d => d.Value).Where(s => s.DeletedAt is null).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counters were not updated for status {StatusId}")]
    private static partial void LogCounterFailed(ILogger logger, Exception exception, string statusId);
}
