using Serverless.Core.Accounts;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/statuses</c>.</summary>
public static class StatusesEndpoints
{
    /// <summary><c>POST /api/v1/statuses</c>; honours <c>Idempotency-Key</c>.</summary>
    public static async Task Create(ApiRequest request)
    {
        var app = request.Token is { } token ? await request.Service<Core.OAuth.OAuthService>().FindApplicationAsync(token.ClientId, request.Aborted) : null;
        var status = await request.Service<StatusService>().CreateAsync(
            request.CurrentAccount,
            request.CurrentUser,
            new StatusService.NewStatus(
                request.Params.GetString("status"),
                request.Params.GetString("visibility"),
                request.Params.GetBool("sensitive") ?? false,
                request.Params.GetString("spoiler_text"),
                request.Params.GetString("language"),
                request.Params.GetString("in_reply_to_id"),
                request.Http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null,
                app?.Name,
                app?.Website),
            request.Aborted);
        var views = await request.Service<TimelineService>().RenderAsync([status.Id], request.Account, _ => true, request.Aborted);
        await request.Json(request.Service<EntityMapper>().ToStatus(views[0]), MastodonJsonContext.Default.Status);
    }

    /// <summary><c>GET /api/v1/statuses/:id</c>: 404 for what the caller may not see.</summary>
    public static async Task Show(ApiRequest request)
    {
        var views = await request.Service<TimelineService>().RenderAsync([request.Route("id")], request.Account, s => Visible.To(request.Account, s), request.Aborted);
        var view = views.Count == 1 ? views[0] : throw ApiException.NotFound();
        await request.Json(request.Service<EntityMapper>().ToStatus(view), MastodonJsonContext.Default.Status);
    }
}
