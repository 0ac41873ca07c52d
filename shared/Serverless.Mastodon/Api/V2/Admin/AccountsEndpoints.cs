using Serverless.Core.Moderation;
using Serverless.Mastodon.Api.V1.Admin;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Api.V2.Admin;

/// <summary><c>/api/v2/admin/accounts</c>: the v1 listing with Mastodon's v2 parameter names.</summary>
public static class AccountsEndpoints
{
    /// <summary>
    /// <c>GET /api/v2/admin/accounts</c>: <c>origin</c>, <c>status</c>, <c>permissions=staff</c>, <c>by_domain</c>,
    /// <c>username</c>, <c>display_name</c>, <c>email</c>; unknown origins and statuses are a 400, as Mastodon's
    /// filter answers. <c>ip</c> is ignored (addresses are not stored), and so are <c>role_ids</c> and <c>invited_by</c>.
    /// </summary>
    public static async Task Index(ApiRequest request)
    {
        AdminRendering.RequireStaff(request);
        var p = request.Params;
        bool? local = p.GetString("origin") switch
        {
            null or "" => null,
            "local" => true,
            "remote" => false,
            var other => throw ApiException.BadRequest($"Unknown origin: {other}"),
        };
        var status = p.GetString("status") switch
        {
            null or "" => null,
            var s when V1.Admin.AccountsEndpoints.StatusFilters.Contains(s, StringComparer.Ordinal) => s,
            var other => throw ApiException.BadRequest($"Unknown status: {other}"),
        };
        var filter = new AccountFilter
        {
            Local = local,
            Domain = DomainNames.Normalize(p.GetString("by_domain")),
            Status = status,
        };

        // Mastodon reads "staff"; "staff_only" is what its documentation has named it.
        var staffOnly = p.GetString("permissions") is "staff" or "staff_only";
        await AccountListing.IndexAsync(request, filter, AccountMatch.From(p, staffOnly));
    }
}
