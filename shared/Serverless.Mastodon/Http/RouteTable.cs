using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Serverless.Mastodon.Http;

/// <summary>A handler of one route.</summary>
public delegate Task RouteHandler(ApiRequest request);

/// <summary>Who may call a route.</summary>
public enum Authentication
{
    /// <summary>Anyone; a token, if sent, is ignored.</summary>
    None,

    /// <summary>Anyone; a valid token, if sent, identifies the caller.</summary>
    Optional,

    /// <summary>Any valid token, including an app-only one (client_credentials).</summary>
    App,

    /// <summary>A token of a signed-in user.</summary>
    User,
}

/// <summary>One route: method, ASP.NET Core route template, handler, and who may call it with which scope.</summary>
public sealed record RouteDefinition(string Method, string Template, RouteHandler Handler, Authentication Authentication, string? Scope)
{
    /// <summary>The handler reads the raw body itself (inboxes verify signatures over the exact bytes), so parameters are not parsed from it.</summary>
    public bool RawBody { get; init; }
}

/// <summary>
/// The route table, matched with ASP.NET Core's own template parser, matcher and precedence
/// rules, so that <c>accounts/verify_credentials</c> wins over <c>accounts/{id}</c> exactly as it
/// would in endpoint routing.
/// </summary>
public sealed class RouteTable
{
    private readonly List<RouteDefinition> _definitions = [];
    private Entry[]? _entries;

    public IReadOnlyList<RouteDefinition> Definitions => _definitions;

    public RouteTable Get(string template, RouteHandler handler, Authentication authentication = Authentication.None, string? scope = null) =>
        Add("GET", template, handler, authentication, scope);

    public RouteTable Post(string template, RouteHandler handler, Authentication authentication = Authentication.None, string? scope = null) =>
        Add("POST", template, handler, authentication, scope);

    public RouteTable Put(string template, RouteHandler handler, Authentication authentication = Authentication.None, string? scope = null) =>
        Add("PUT", template, handler, authentication, scope);

    public RouteTable Patch(string template, RouteHandler handler, Authentication authentication = Authentication.None, string? scope = null) =>
        Add("PATCH", template, handler, authentication, scope);

    public RouteTable Delete(string template, RouteHandler handler, Authentication authentication = Authentication.None, string? scope = null) =>
        Add("DELETE", template, handler, authentication, scope);

    /// <summary>A POST whose handler reads the raw body (see <see cref="RouteDefinition.RawBody"/>).</summary>
    public RouteTable PostRaw(string template, RouteHandler handler) =>
        Add(new RouteDefinition("POST", template, handler, Authentication.None, null) { RawBody = true });

    public RouteTable Add(string method, string template, RouteHandler handler, Authentication authentication, string? scope) =>
        Add(new RouteDefinition(method, template, handler, authentication, scope));

    private RouteTable Add(RouteDefinition definition)
    {
        if (_entries is not null)
        {
            throw new InvalidOperationException("Routes cannot be added after the first request.");
        }

        _definitions.Add(definition);
        return this;
    }

    /// <summary>The result of matching a path: the route for the method, or the methods the path allows.</summary>
    public readonly record struct Match(RouteDefinition? Route, RouteValueDictionary Values, IReadOnlyCollection<string> AllowedMethods);

    /// <summary>Finds the route for a request; <see cref="Match.Route"/> is null when nothing matches the method.</summary>
    public Match Find(string method, string path)
    {
        var entries = _entries ??= Build();
        var head = method == "HEAD" ? "GET" : method;
        foreach (var entry in entries)
        {
            if (!path.StartsWith(entry.LiteralPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var values = new RouteValueDictionary();
            if (!entry.Matcher.TryMatch(path, values))
            {
                continue;
            }

            return entry.ByMethod.TryGetValue(head, out var route)
                ? new Match(route, values, entry.ByMethod.Keys)
                : new Match(null, values, entry.ByMethod.Keys);
        }

        return new Match(null, new RouteValueDictionary(), []);
    }

    private Entry[] Build() =>
        _definitions
            .GroupBy(d => d.Template, StringComparer.OrdinalIgnoreCase)
            .Select(group =>
            {
                var template = TemplateParser.Parse(group.Key.TrimStart('/'));
                return new Entry(
                    new TemplateMatcher(template, new RouteValueDictionary()),
                    group.ToDictionary(d => d.Method, StringComparer.Ordinal),
                    LiteralPrefixOf(template),
                    RoutePrecedence.ComputeInbound(template),
                    group.Key);
            })
            .OrderBy(e => e.Precedence)
            .ThenBy(e => e.Template, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The leading literal segments ("/api/v1/accounts/"), a cheap filter before the real matcher runs.</summary>
    private static string LiteralPrefixOf(RouteTemplate template)
    {
        var prefix = "/";
        foreach (var segment in template.Segments)
        {
            if (segment.Parts.Count != 1 || !segment.Parts[0].IsLiteral)
            {
                break;
            }

            prefix += segment.Parts[0].Text + "/";
        }

        // The last literal segment may end the path ("/api/v1/instance"), so the trailing slash is not required.
        return prefix.Length > 1 ? prefix[..^1] : prefix;
    }

    private sealed record Entry(TemplateMatcher Matcher, Dictionary<string, RouteDefinition> ByMethod, string LiteralPrefix, decimal Precedence, string Template);
}
