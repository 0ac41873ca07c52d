using Serverless.Core.Accounts;
using Serverless.Core.Statuses;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1.Statuses;

/// <summary><c>GET /api/v1/statuses/:id/history</c>: every version of a status, oldest first, the original included.</summary>
public static class HistoriesEndpoints
{
    public static async Task Show(ApiRequest request)
    {
        var statuses = request.Service<StatusService>();
        var status = await statuses.GetVisibleAsync(request.Route("id"), request.Account, request.Aborted) ?? throw ApiException.NotFound();
        var versions = await statuses.HistoryAsync(status, request.Aborted);
        var author = await request.Service<AccountService>().GetAsync(status.AccountId, request.Aborted) ?? throw ApiException.NotFound();
        var media = (await statuses.MediaOfAsync(versions.SelectMany(v => v.MediaIds), request.Aborted)).ToDictionary(m => m.Id, StringComparer.Ordinal);

        var mapper = request.Service<EntityMapper>();
        var account = mapper.ToAccount(author);
        var edits = versions.Select(v => new StatusEdit
        {
            Content = v.Content,
            SpoilerText = v.SpoilerText,
            Sensitive = v.Sensitive,
            CreatedAt = EntityMapper.Timestamp(v.CreatedAt),
            Account = account,
            Poll = v.PollOptions is null ? null : new StatusEditPoll(v.PollOptions.Select(o => new StatusEditPollOption(o)).ToList()),
            MediaAttachments = v.MediaIds.Where(media.ContainsKey).Select(id => mapper.ToMediaAttachment(media[id])).ToList(),
        }).ToList();
        await request.Json(edits, StatusesJsonContext.Default.ListStatusEdit);
    }
}
