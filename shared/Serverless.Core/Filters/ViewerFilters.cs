using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;

namespace Serverless.Core.Filters;

/// <summary>
/// A viewer's filters, loaded once per request and compiled once per loaded set: matching a status
/// is then a regex scan of its text per filter, with no storage access.
/// </summary>
public sealed class ViewerFilters
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly ConditionalWeakTable<StatusRecord, string> Texts = new();
    private readonly List<Compiled> _filters;

    private sealed record Compiled(FilterRecord Filter, Regex? Keywords, HashSet<string> StatusIds);

    public ViewerFilters(IReadOnlyList<FilterRecord> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        Filters = filters;
        _filters = filters
            .Where(f => f.Keywords.Count > 0 || f.Statuses.Count > 0)
            .Select(f => new Compiled(f, KeywordPattern(f.Keywords), f.Statuses.Select(s => s.StatusId).ToHashSet(StringComparer.Ordinal)))
            .ToList();
    }

    /// <summary>A viewer without filters (and the anonymous viewer).</summary>
    public static ViewerFilters None { get; } = new([]);

    public IReadOnlyList<FilterRecord> Filters { get; }

    /// <summary>No filter has a keyword or status: nothing can match, so callers skip all work.</summary>
    public bool IsEmpty => _filters.Count == 0;

    /// <summary>
    /// The viewer's active filters for <paramref name="context"/> that match the status (for a
    /// reblog, the reblogged status's text; status filters match either id), as Mastodon's
    /// <c>CustomFilter.apply_cached_filters</c>: the first keyword match of each filter.
    /// </summary>
    public IReadOnlyList<FilterMatch> Match(StatusView view, string context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (_filters.Count == 0)
        {
            return [];
        }

        List<FilterMatch>? matches = null;
        string? text = null;
        var proper = view.Reblog ?? view;
        foreach (var compiled in _filters)
        {
            var filter = compiled.Filter;
            if (!filter.IsActive(now) || !filter.Context.Contains(context, StringComparer.Ordinal))
            {
                continue;
            }

            List<string>? keywordMatches = null;
            if (compiled.Keywords is { } regex)
            {
                text ??= SearchableText(proper);
                try
                {
                    var match = regex.Match(text);
                    if (match.Success)
                    {
                        keywordMatches = [match.Value];
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    // A pathological text is treated as not matching rather than failing the page.
                }
            }

            List<string>? statusMatches = null;
            if (compiled.StatusIds.Count > 0)
            {
                if (compiled.StatusIds.Contains(view.Status.Id))
                {
                    (statusMatches ??= []).Add(view.Status.Id);
                }

                if (view.Status.ReblogOfId is { } reblogOf && compiled.StatusIds.Contains(reblogOf))
                {
                    (statusMatches ??= []).Add(reblogOf);
                }
            }

            if (keywordMatches is not null || statusMatches is not null)
            {
                (matches ??= []).Add(new FilterMatch(filter, keywordMatches, statusMatches));
            }
        }

        return matches ?? (IReadOnlyList<FilterMatch>)[];
    }

    /// <summary>Whether a filter with the <c>hide</c> action matches the status in this context.</summary>
    public static bool Hides(IReadOnlyList<FilterMatch> matches) =>
        matches.Any(m => m.Filter.Action == FilterActions.Hide);

    /// <summary>
    /// Mastodon's rule: a whole-word keyword gets a word boundary on each side that starts or ends
    /// with a word character; all keywords are case-insensitive; the filter matches its first hit.
    /// </summary>
    public static Regex? KeywordPattern(IReadOnlyList<FilterKeywordRecord> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        var parts = new List<string>();
        foreach (var keyword in keywords)
        {
            if (string.IsNullOrEmpty(keyword.Keyword))
            {
                continue;
            }

            var escaped = Regex.Escape(keyword.Keyword);
            if (keyword.WholeWord)
            {
                var start = IsWordChar(keyword.Keyword[0]) ? @"\b" : "";
                var end = IsWordChar(keyword.Keyword[^1]) ? @"\b" : "";
                escaped = start + escaped + end;
            }

            parts.Add("(?:" + escaped + ")");
        }

        return parts.Count == 0
            ? null
            : new Regex(string.Join('|', parts), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    /// <summary>
    /// What filters match, as Mastodon's <c>searchable_text</c>: the content warning, the plain text
    /// of the content, the poll options and the media descriptions. Kept per status instance.
    /// </summary>
    public static string SearchableText(StatusView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var body = Texts.GetValue(view.Status, s => PlainText(s.Content));
        var builder = new StringBuilder();
        builder.Append(view.Status.SpoilerText).Append("\n\n").Append(body);
        if (view.Poll is { } poll)
        {
            foreach (var option in poll.Options)
            {
                builder.Append("\n\n").Append(option.Title);
            }
        }

        foreach (var media in view.Media)
        {
            if (!string.IsNullOrEmpty(media.Description))
            {
                builder.Append("\n\n").Append(media.Description);
            }
        }

        return builder.ToString();
    }

    /// <summary>Sanitised status HTML to text: line breaks for <c>br</c> and paragraphs, tags dropped, entities decoded.</summary>
    public static string PlainText(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }

        var text = Regex.Replace(html, @"<br\s*/?>", "\n", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        text = Regex.Replace(text, @"</p>\s*<p[^>]*>", "\n\n", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        text = Regex.Replace(text, "<[^>]*>", "", RegexOptions.CultureInvariant, MatchTimeout);
        return System.Net.WebUtility.HtmlDecode(text);
    }
}
