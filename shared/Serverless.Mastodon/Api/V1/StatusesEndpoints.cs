using System.Globalization;
using Serverless.Core.Scheduling;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Api.V1.Statuses;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/statuses</c> and <c>/api/v1/statuses/:id</c>.</summary>
public static class StatusesEndpoints
{
    /// <summary>
    /// <c>POST /api/v1/statuses</c>; honours <c>Idempotency-Key</c>. With a future <c>scheduled_at</c>
    /// it answers with a ScheduledStatus instead (a past one posts at once, as Mastodon does).
    /// </summary>
    public static async Task Create(ApiRequest request)
    {
        var app = request.Token is { } token ? await request.Service<Core.OAuth.OAuthService>().FindApplicationAsync(token.ClientId, request.Aborted) : null;
        var parameters = request.Params;
        var newStatus = new StatusService.NewStatus(
            parameters.GetString("status"),
            parameters.GetString("visibility"),
            parameters.GetBool("sensitive") ?? request.CurrentUser.DefaultSensitive,
            parameters.GetString("spoiler_text"),
            parameters.GetString("language"),
            parameters.GetString("in_reply_to_id"),
            request.Http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null,
            app?.Name,
            app?.Website)
        {
            MediaIds = StatusResponses.MediaIds(parameters),
            Poll = StatusResponses.Poll(parameters),
        };

        try
        {
            if (ScheduledAt(request) is { } at && request.Service<ScheduledStatusService>().IsInFuture(at))
            {
                var scheduled = await request.Service<ScheduledStatusService>().ScheduleAsync(request.CurrentAccount, request.CurrentUser, newStatus, at, request.Aborted);
                await ScheduledStatusesEndpoints.WriteAsync(request, scheduled);
                return;
            }

            var status = await request.Service<StatusService>().CreateAsync(request.CurrentAccount, request.CurrentUser, newStatus, request.Aborted);
            await StatusResponses.WriteAsync(request, status.Id);
        }
        catch (ReplyTargetNotFoundException ex)
        {
            throw new ApiException(404, ex.Message);
        }
    }

    /// <summary><c>GET /api/v1/statuses/:id</c>: 404 for what the caller may not see.</summary>
    public static async Task Show(ApiRequest request)
    {
        var status = await request.Service<StatusService>().GetVisibleAsync(request.Route("id"), request.Account, request.Aborted) ?? throw ApiException.NotFound();
        await StatusResponses.WriteAsync(request, status.Id);
    }

    /// <summary>Statuses one request of <c>GET /api/v1/statuses?id[]=</c> may ask for.</summary>
    public const int MaxMultipleIds = 20;

    /// <summary>
    /// <c>GET /api/v1/statuses?id[]=…</c>: several statuses at once, in the order asked, leaving out
    /// those that do not exist or that the caller may not see (one batch read, one of follow edges).
    /// </summary>
    public static async Task Index(ApiRequest request)
    {
        var ids = request.Params.GetStrings("id").Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > MaxMultipleIds)
        {
            throw ApiException.Unprocessable($"Validation failed: Id can't contain more than {MaxMultipleIds} items");
        }

        var viewer = request.Account;
        var found = await request.Service<StatusService>().GetManyAsync(ids, request.Aborted);
        var followed = await request.Service<StatusAccess>().FollowedAmongAsync(viewer, found.Where(s => s.Visibility == Visibility.Private).Select(s => s.AccountId), request.Aborted);
        var views = await request.Service<TimelineService>().RenderAsync(ids, viewer, s => StatusAccess.CanSee(s, viewer, followed), Core.Safety.SafetyScope.Status, request.Aborted);
        var mapper = request.Service<EntityMapper>();
        await request.Statuses(views.Select(mapper.ToStatus).ToList());
    }

    /// <summary><c>PUT /api/v1/statuses/:id</c>: edits text, content warning, sensitivity, language, media and poll, keeping the history.</summary>
    public static async Task Update(ApiRequest request)
    {
        var parameters = request.Params;
        var change = new StatusService.StatusChange(
            parameters.GetString("status"),
            parameters.GetString("spoiler_text"),
            parameters.GetBool("sensitive"),
            parameters.GetString("language"),
            StatusResponses.MediaIds(parameters),
            StatusResponses.Poll(parameters));
        var status = await request.Service<StatusService>().EditAsync(request.CurrentAccount, request.Route("id"), change, request.Aborted);
        await StatusResponses.WriteAsync(request, status.Id);
    }

    /// <summary>
    /// <c>DELETE /api/v1/statuses/:id</c>: answers with the status as it was, plus its source
    /// <c>text</c>, for delete-and-redraft; its uploads stay attachable unless <c>delete_media</c>.
    /// </summary>
    public static async Task Delete(ApiRequest request)
    {
        var account = request.CurrentAccount;
        var statuses = request.Service<StatusService>();
        var existing = await statuses.GetAsync(request.Route("id"), request.Aborted);
        if (existing is null || existing.AccountId != account.Id)
        {
            throw ApiException.NotFound();
        }

        // Rendered before the delete: afterwards it is a tombstone that nothing renders.
        var views = await request.Service<TimelineService>().RenderAsync([existing.Id], account, _ => true, Core.Safety.SafetyScope.None, request.Aborted);
        var entity = views.Count == 1
            ? request.Service<EntityMapper>().ToStatus(views[0])
            : throw ApiException.NotFound();
        var deleted = await statuses.DeleteAsync(account, existing.Id, request.Params.GetBool("delete_media") ?? false, request.Aborted);
        await request.Json(entity with { Text = deleted.Text, SpoilerText = deleted.SpoilerText }, MastodonJsonContext.Default.Status);
    }

    /// <summary><c>scheduled_at</c> as an ISO 8601 date or datetime (UTC unless an offset is given).</summary>
    private static DateTimeOffset? ScheduledAt(ApiRequest request)
    {
        var text = request.Params.GetString("scheduled_at");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw ApiException.Unprocessable("Validation failed: Scheduled at is invalid");
    }
}
