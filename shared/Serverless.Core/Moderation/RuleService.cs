using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Storage;

namespace Serverless.Core.Moderation;

/// <summary>
/// The instance's rules (Mastodon's server rules): listed in the instance documents and <c>/api/v1/instance/rules</c>,
/// cited by reports' <c>rule_ids</c>, and managed by admins on the admin page (Mastodon has no admin API for them).
/// </summary>
public sealed class RuleService(IDocumentStore store, SnowflakeIds ids, TimeProvider time)
{
    /// <summary>Rules read at most (Mastodon instances keep a handful).</summary>
    public const int MaxRules = 100;

    public const int MaxTextLength = 300;

    public const int MaxHintLength = 1000;

    /// <summary>The rules in their order (oldest first): one single-partition read, which the store's cache answers.</summary>
    public async Task<IReadOnlyList<RuleRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(Containers.Instance, new DocumentQuery(RuleRecord.Partition) { Descending = false, Limit = MaxRules }, ModerationJsonContext.Default.RuleRecord, cancellationToken);
        return page.Items.Select(i => i.Value).ToList();
    }

    public async Task<RuleRecord> CreateAsync(string? text, string? hint, CancellationToken cancellationToken)
    {
        text = (text ?? "").Trim();
        hint = (hint ?? "").Trim();
        if (text.Length == 0)
        {
            throw ValidationFailedException.ForField("text", "ERR_BLANK", "can't be blank");
        }

        if (text.Length > MaxTextLength || hint.Length > MaxHintLength)
        {
            throw ValidationFailedException.ForField("text", "ERR_TOO_LONG", "is too long");
        }

        var rule = new RuleRecord { Id = ids.NextString(), Text = text, Hint = hint, CreatedAt = time.GetUtcNow() };
        await store.CreateAsync(Containers.Instance, RuleRecord.Partition, SnowflakeIds.Sortable(rule.Id), rule, ModerationJsonContext.Default.RuleRecord, cancellationToken);
        return rule;
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(id, out _) || !await store.DeleteAsync(Containers.Instance, RuleRecord.Partition, SnowflakeIds.Sortable(id), ifMatch: null, cancellationToken))
        {
            throw new RecordNotFoundException();
        }
    }
}
