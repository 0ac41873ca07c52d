using System.Text;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// The OData <c>filter</c> expressions the publisher sends with group and user sends (Web PubSub's
/// subset: <c>userId</c>, <c>groups</c>, <c>not</c>, <c>in</c>, string literals with <c>''</c> for a quote).
/// The service limits a filter to roughly a hundred clauses, so an exclusion list is bounded by
/// <see cref="MaxExcludedUsers"/>; the caller decides what happens past it.
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
