using System.Globalization;
using System.Text;
using Serverless.Core.Json;
using Serverless.Core.Storage;

namespace Serverless.Core.Accounts;

/// <summary>
/// Finding accounts by handle and by name. The store has no LIKE, so every account has a few
/// search terms (its username and the words of its display name, lower-cased) written as lookup
/// documents in partition <c>handles:{first letter}</c> with id <c>{term}:{accountId}</c>; a prefix
/// search is then one ordered range read of one partition.
/// </summary>
public sealed partial class AccountService
{
    /// <summary>Display-name words indexed per account (besides the username).</summary>
    public const int MaxIndexedWords = 6;

    /// <summary>The most index entries one search reads.</summary>
    public const int MaxSearchScan = 200;

    public static string HandlesPartition(string term) => "handles:" + term[..1];

    /// <summary>The terms an account is found by: its username and the words of its display name.</summary>
    public static IReadOnlyList<string> SearchTerms(AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var terms = new List<string>();
        terms.AddRange(Words(account.Username).Take(1));
        terms.AddRange(Words(account.DisplayName).Take(MaxIndexedWords));
        return terms.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Lower-cased runs of letters, digits and underscores: the only characters a term keeps (and safe in document ids).</summary>
    public static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return Truncate(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return Truncate(word.ToString());
        }

        static string Truncate(string w) => w.Length > 30 ? w[..30] : w;
    }

    /// <summary>Writes the search terms of <paramref name="account"/> and removes those of <paramref name="previous"/> that no longer apply.</summary>
    public async Task IndexHandlesAsync(AccountRecord account, AccountRecord? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var terms = SearchTerms(account);
        var written = new List<string>();
        try
        {
            foreach (var term in terms)
            {
                var id = $"{term}:{account.Id}";
                await store.UpsertAsync(Containers.Lookups, HandlesPartition(term), id, new LookupRecord(term, account.Id), StoreJsonContext.Default.LookupRecord, ifMatch: null, cancellationToken);
                written.Add(term);
            }
        }
        catch when (previous is null)
        {
            // A first indexing that fails leaves nothing behind.
            foreach (var term in written)
            {
                await store.DeleteAsync(Containers.Lookups, HandlesPartition(term), $"{term}:{account.Id}", ifMatch: null, CancellationToken.None);
            }

            throw;
        }

        foreach (var stale in (previous is null ? [] : SearchTerms(previous)).Except(terms, StringComparer.Ordinal))
        {
            await store.DeleteAsync(Containers.Lookups, HandlesPartition(stale), $"{stale}:{account.Id}", ifMatch: null, cancellationToken);
        }
    }

    /// <summary>
    /// Finds accounts whose username or display-name words start with the words of
    /// <paramref name="query"/> (<c>@alice</c>, <c>alice@this.domain</c>, <c>Alice Lid</c>). The
    /// first word picks the range read; the others must prefix another term of the same account.
    /// Exact username matches come first. Remote handles are not resolved here.
    /// </summary>
    public async Task<IReadOnlyList<AccountRecord>> SearchAsync(string query, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = query.Trim().TrimStart('@');
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var domain = text[(at + 1)..];
            if (domain.Length > 0 && !IsLocalDomain(domain))
            {
                return [];
            }

            text = text[..at];
        }

        var words = Words(text).ToList();
        if (words.Count == 0 || limit <= 0)
        {
            return [];
        }

        var first = words[0];
        var page = await store.QueryAsync(
            Containers.Lookups,
            new DocumentQuery(HandlesPartition(first))
            {
                IdAfter = first,
                IdBefore = first + "\uffff",
                Descending = false,
                Limit = Math.Clamp((offset + limit) * 2, 1, MaxSearchScan),
            },
            StoreJsonContext.Default.LookupRecord,
            cancellationToken);
        var found = await GetManyAsync(page.Items.Select(i => i.Value.TargetId), cancellationToken);
        var byId = found.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var ordered = page.Items.Select(i => i.Value.TargetId).Distinct(StringComparer.Ordinal).Where(byId.ContainsKey).Select(id => byId[id]);
        var rest = words.Skip(1).ToList();
        return ordered
            .Where(a => rest.All(w => SearchTerms(a).Any(t => t.StartsWith(w, StringComparison.Ordinal))))
            .OrderByDescending(a => string.Equals(a.Username, text, StringComparison.OrdinalIgnoreCase))
            .Skip(offset)
            .Take(limit)
            .ToList();
    }

    /// <summary>Finds an account by <c>username</c> or <c>username@domain</c> (<c>GET /api/v1/accounts/lookup</c>); remote accounts only when already known.</summary>
    public Task<AccountRecord?> LookupAsync(string acct, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acct);
        var text = acct.Trim().TrimStart('@');
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!IsLocalDomain(text[(at + 1)..]))
            {
                return at == 0 || at == text.Length - 1 ? Task.FromResult<AccountRecord?>(null) : FindRemoteAsync(text[..at], text[(at + 1)..], cancellationToken);
            }

            text = text[..at];
        }

        return FindLocalAsync(text, cancellationToken);
    }

    /// <summary>Whether <paramref name="domain"/> names this server (its <c>LOCAL_DOMAIN</c>, with or without the port).</summary>
    public bool IsLocalDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var local = options.LocalDomain;
        var colon = local.LastIndexOf(':');
        var bare = colon > 0 && int.TryParse(local[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? local[..colon] : local;
        return string.Equals(domain, local, StringComparison.OrdinalIgnoreCase) || string.Equals(domain, bare, StringComparison.OrdinalIgnoreCase);
    }
}
