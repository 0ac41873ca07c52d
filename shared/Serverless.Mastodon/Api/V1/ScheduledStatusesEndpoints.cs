using System.Globalization;
using Serverless.Core.Scheduling;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/scheduled_statuses</c>: the caller's statuses waiting to be published.</summary>
public static class ScheduledStatusesEndpoints
{
    /// <summary><c>GET /api/v1/scheduled_statuses</c>, newest id first, paged with <c>Link</c>.</summary>
    public static async Task Index(ApiRequest request)
    {
        var service = request.Service<ScheduledStatusService>();
        var records = await service.ListAsync(request.CurrentAccount.Id, request.Page(), request.Aborted);
        if (records.Count > 0)
        {
            request.LinkHeader(records[0].Id, records[^1].Id);
        }

        var media = (await service.MediaOfAsync(records, request.Aborted)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        var mapper = request.Service<EntityMapper>();
        await request.Json(records.Select(r => ToEntity(r, media, mapper)).ToList(), StatusesJsonContext.Default.ListScheduledStatus);
    }

    public static async Task Show(ApiRequest request)
    {
        var record = await request.Service<ScheduledStatusService>().GetAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        await WriteAsync(request, record);
    }

    /// <summary><c>PUT /api/v1/scheduled_statuses/:id</c>: a new <c>scheduled_at</c>, at least five minutes ahead.</summary>
    public static async Task Update(ApiRequest request)
    {
        var text = request.Params.GetString("scheduled_at");
        if (string.IsNullOrWhiteSpace(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw ApiException.Unprocessable("Validation failed: Scheduled at is invalid");
        }

        var record = await request.Service<ScheduledStatusService>().RescheduleAsync(request.CurrentAccount.Id, request.Route("id"), at, request.Aborted);
        await WriteAsync(request, record);
    }

    /// <summary><c>DELETE /api/v1/scheduled_statuses/:id</c>: answers <c>{}</c>.</summary>
    public static async Task Destroy(ApiRequest request)
    {
        await request.Service<ScheduledStatusService>().CancelAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted);
        await request.Raw("{}", "application/json; charset=utf-8");
    }

    internal static async Task WriteAsync(ApiRequest request, ScheduledStatusRecord record)
    {
        var media = (await request.Service<ScheduledStatusService>().MediaOfAsync([record], request.Aborted)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        await request.Json(ToEntity(record, media, request.Service<EntityMapper>()), StatusesJsonContext.Default.ScheduledStatus);
    }

    private static ScheduledStatus ToEntity(ScheduledStatusRecord record, Dictionary<string, Core.Media.MediaAttachmentRecord> media, EntityMapper mapper) => new()
    {
        Id = record.Id,
        ScheduledAt = EntityMapper.Timestamp(record.ScheduledAt),
        Params = new ScheduledStatusParams
        {
            Text = record.Text,
            Poll = record.Poll is { } poll ? new ScheduledStatusPoll([.. poll.Options], poll.ExpiresIn, poll.Multiple, poll.HideTotals) : null,
            MediaIds = record.MediaIds.Count > 0 ? [.. record.MediaIds] : null,
            Sensitive = record.Sensitive,
            SpoilerText = record.SpoilerText,
            Visibility = record.Visibility,
            InReplyToId = record.InReplyToId,
            Language = record.Language,
            Idempotency = record.Idempotency,
        },
        MediaAttachments = record.MediaIds.Where(media.ContainsKey).Select(id => mapper.ToMediaAttachment(media[id])).ToList(),
    };
}
