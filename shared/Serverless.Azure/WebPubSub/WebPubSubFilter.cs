using System.Text;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// The OData <c>filter</c> expressions the publisher sends with group and user sends (Web PubSub's
/// subset: <c>userId</c>, <c>groups</c>, <c>not</c>, <c>in</c>, string literals with <c>''</c> for a quote).
/// The service limits a filter to roughly a hundred clauses, so one exclusion list is bounded by
/// <see cref="MaxExcludedUsers"/>; a longer one is split by the last character of the account id
/// (<see cref="ExceptUsersSplit"/>), one send per character plus one for every other id.
/// </summary>
public static class WebPubSubFilter
{
    /// <summary>The most accounts one exclusion names: well under the service's ~100-clause limit.</summary>
    public const int MaxExcludedUsers = 50;

    /// <summary><c>not(userId in ('a','b'))</c>: every connection but those of these accounts.</summary>
    public static string ExceptUsers(IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            throw new ArgumentException("No users to exclude.", nameof(userIds));
        }

        if (ids.Count > MaxExcludedUsers)
        {
            throw new ArgumentException($"More than {MaxExcludedUsers} users to exclude.", nameof(userIds));
        }

        var builder = new StringBuilder("not(userId in (");
        for (var i = 0; i < ids.Count; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(Literal(ids[i]));
        }

        return builder.Append("))").ToString();
    }

    /// <summary>
    /// Filters that together reach every connection but those of <paramref name="userIds"/>, each
    /// within the clause limit: one filter when there are few; else one per last character of the
    /// excluded ids (<c>endswith(userId,'7') and not(userId in (…))</c>) and one for the ids ending
    /// otherwise (<c>not(endswith(userId,'0') or …)</c>). Null when even a split leaves more than
    /// <see cref="MaxExcludedUsers"/> ids on one character: the caller sends nothing rather than too much.
    /// </summary>
    public static IReadOnlyList<string>? ExceptUsersSplit(IReadOnlyCollection<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var ids = userIds.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count <= MaxExcludedUsers)
        {
            return [ExceptUsers(ids)];
        }

        // Ids compare case-insensitively in the service; account ids are digits, so this rarely matters.
        var buckets = ids.GroupBy(id => char.ToLowerInvariant(id[^1])).OrderBy(g => g.Key).ToList();
        if (buckets.Count > MaxExcludedUsers || buckets.Any(b => b.Count() > MaxExcludedUsers))
        {
            return null;
        }

        var filters = buckets.Select(b => $"endswith(userId,{Literal(b.Key.ToString())}) and {ExceptUsers(b)}").ToList();
        filters.Add("not(" + string.Join(" or ", buckets.Select(b => $"endswith(userId,{Literal(b.Key.ToString())})")) + ")");
        return filters;
    }

    /// <summary><c>'group' in groups</c>: only connections that joined the group.</summary>
    public static string InGroup(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return Literal(group) + " in groups";
    }

    /// <summary>A string literal: quoted, a quote doubled.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
