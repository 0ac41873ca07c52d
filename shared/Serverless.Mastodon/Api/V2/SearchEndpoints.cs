using System.Text.RegularExpressions;
using Serverless.Core.Accounts;
using Serverless.Core.Ids;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V2;

/// <summary>
/// <c>GET /api/v2/search</c>: accounts by handle, hashtags by name, statuses by URL. Full-text
/// search of statuses is not offered (Mastodon's is opt-in too). With <c>resolve=true</c> and a
/// signed-in user, unknown remote handles are looked up by WebFinger and unknown URLs fetched
/// (an actor becomes an account, a Note a status), as Mastodon does.
/// </summary>
public static partial class SearchEndpoints
{
    [GeneratedRegex(@"^#?([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex HashtagPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+@[A-Za-z0-9.\-]+(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex RemoteHandlePattern();

    public static async Task Index(ApiRequest request)
    {
        var q = (request.Params.GetString("q") ?? "").Trim();
        if (q.Length == 0)
        {
            throw ApiException.BadRequest("Search query is missing");
        }

        var type = request.Params.GetString("type");
        var limit = Math.Clamp(request.Params.GetInt("limit") ?? 20, 1, 40);
        var offset = Math.Max(request.Params.GetInt("offset") ?? 0, 0);
        var mapper = request.Service<EntityMapper>();

        // As Mastodon: resolving remote things and paging are for signed-in users only.
        var resolve = request.Params.GetBool("resolve") ?? false;
        if (request.Account is null && resolve)
        {
            throw new ApiException(Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized, "Search queries that resolve remote resources are not supported without authentication");
        }

        if (request.Account is null && offset > 0)
        {
            throw new ApiException(Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized, "Search queries pagination is not supported without authentication");
        }

        var accounts = new List<Account>();
        var statuses = new List<Status>();

        // Accounts that block the caller (and suspended ones) are not found; those the caller blocks or mutes are, so that they can be undone.
        var safety = await request.Service<Core.Safety.StatusFilter>().ForViewerAsync(request.Account, request.Aborted);
        bool Findable(AccountRecord account) => account.SuspendedAt is null && !safety.IsBlockedBy(account.Id);
        string? statusId = null;
        if (offset == 0 && Uri.TryCreate(q, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && !q.StartsWith(request.Instance.BaseUrl + "/", StringComparison.OrdinalIgnoreCase))
        {
            // A remote URL: an actor or a status, known already or (with resolve) fetched now.
            var (remoteAccount, remoteStatus) = await FindRemoteUrlAsync(request, q, resolve, type);
            if (remoteAccount is not null && Findable(remoteAccount) && type is null or "accounts")
            {
                accounts.Add(mapper.ToAccount(remoteAccount));
            }

            statusId = remoteStatus?.Id;
        }
        else if (type is null or "accounts")
        {
            foreach (var account in (await FindAccountsAsync(request, q, limit + offset, resolve)).Where(Findable))
            {
                accounts.Add(mapper.ToAccount(account));
            }
        }

        statusId ??= StatusIdFromUrl(request, q);
        if ((type is null or "statuses") && offset == 0 && statusId is not null)
        {
            var found = await request.Service<Core.Statuses.StatusService>().GetAsync(statusId, request.Aborted);
            var visible = found is not null && await request.Service<Core.Statuses.StatusAccess>().CanSeeAsync(found, request.Account, request.Aborted);
            var views = visible ? await request.Service<TimelineService>().RenderAsync([statusId], request.Account, _ => true, request.Aborted) : [];
            statuses.AddRange(views.Select(mapper.ToStatus));
        }

        var hashtags = new List<TagEntity>();
        if ((type is null or "hashtags") && offset == 0 && HashtagPattern().Match(q) is { Success: true } tag)
        {
            var name = tag.Groups[1].Value;
            // A signed-in viewer sees whether they follow it, as Mastodon's Tag entity says.
            bool? following = request.Account is { } viewer && Core.Tags.TagService.Normalize(name) is { } normalized
                ? (await request.Service<Core.Tags.TagService>().FollowedAmongAsync(viewer.Id, [normalized], request.Aborted)).Count > 0
                : null;
            hashtags.Add(await V1.TagsEndpoints.WithHistoryAsync(request, new TagEntity { Name = name, Url = $"{request.Instance.BaseUrl}/tags/{Uri.EscapeDataString(name.ToLowerInvariant())}", Following = following }));
        }

        await request.Json(new SearchResults(accounts.Skip(offset).Take(limit).ToList(), statuses, hashtags), FeedsJsonContext.Default.SearchResults);
    }

    /// <summary>A remote actor or status by URL: known, or fetched when <paramref name="resolve"/>.</summary>
    private static async Task<(AccountRecord? Account, Core.Statuses.StatusRecord? Status)> FindRemoteUrlAsync(ApiRequest request, string q, bool resolve, string? type)
    {
        var known = await request.Service<AccountService>().FindByUriAsync(q, request.Aborted);
        if (known is not null)
        {
            return (known, null);
        }

        var statuses = request.Service<Core.Statuses.StatusService>();
        var status = await statuses.FindByUriAsync(q, request.Aborted) ?? await statuses.FindByUrlAsync(q, request.Aborted);
        if (status is not null || !resolve)
        {
            return (null, status);
        }

        if (type is null or "accounts" && await request.Service<Serverless.ActivityPub.Resolver.ActivityPubResolver>().ResolveActorAsync(q, refresh: false, request.Aborted) is { } actor)
        {
            return (actor, null);
        }

        return type is null or "statuses" ? (null, await request.Service<Serverless.ActivityPub.Activity.NoteIngestor>().ResolveAsync(q, request.Aborted)) : (null, null);
    }

    /// <summary>Accounts named by a handle (<c>alice</c>, <c>@alice</c>, <c>alice@our.domain</c>, <c>bob@remote</c>) or a local profile URL.</summary>
    private static async Task<IReadOnlyList<AccountRecord>> FindAccountsAsync(ApiRequest request, string q, int limit, bool resolve)
    {
        var accounts = request.Service<AccountService>();
        var handle = q.TrimStart('@');
        var at = handle.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            var domain = handle[(at + 1)..];
            if (!RemoteHandlePattern().IsMatch(handle))
            {
                // Not a handle (a URL with an @ in its path, say): nothing to look up by it.
            }
            else if (!accounts.IsLocalDomain(domain))
            {
                var username = handle[..at];
                var remote = resolve
                    ? await request.Service<Serverless.ActivityPub.Resolver.ActivityPubResolver>().ResolveHandleAsync(username, domain, request.Aborted)
                    : await accounts.FindRemoteAsync(username, domain, request.Aborted);
                return remote is null || limit == 0 ? [] : [remote];
            }

            handle = handle[..at];
        }

        var urls = request.Service<LocalUrls>();
        if (q.StartsWith(urls.Base + "/@", StringComparison.OrdinalIgnoreCase))
        {
            handle = q[(urls.Base.Length + 2)..];
        }
        else if (q.StartsWith(urls.Base + "/users/", StringComparison.OrdinalIgnoreCase))
        {
            handle = q[(urls.Base.Length + 7)..];
        }

        var found = await accounts.FindLocalAsync(handle, request.Aborted);
        return found is null || limit == 0 ? [] : [found];
    }

    /// <summary>The id of a local status named by its URL (<c>/@alice/123</c>) or ActivityPub id (<c>/users/alice/statuses/123</c>).</summary>
    private static string? StatusIdFromUrl(ApiRequest request, string q)
    {
        var urls = request.Service<LocalUrls>();
        if (!q.StartsWith(urls.Base + "/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var last = q.TrimEnd('/').Split('/')[^1];
        return SnowflakeIds.TryParse(last, out _) ? last : null;
    }
}
