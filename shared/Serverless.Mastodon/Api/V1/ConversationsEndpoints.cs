using Serverless.Core.Accounts;
using Serverless.Core.Conversations;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Api.V1;

/// <summary><c>/api/v1/conversations</c>: direct-message threads, newest first.</summary>
public static class ConversationsEndpoints
{
    public static async Task Index(ApiRequest request)
    {
        var records = await request.Service<ConversationService>().ListAsync(request.CurrentAccount.Id, request.Page(defaultLimit: 20, maxLimit: 40), request.Aborted);
        var rendered = await RenderAsync(request, records);
        if (records.Count > 0)
        {
            request.LinkHeader(records[0].LastStatusId, records[^1].LastStatusId);
        }

        await request.Json(rendered, FeedsJsonContext.Default.ListConversation);
    }

    public static async Task Read(ApiRequest request)
    {
        var record = await request.Service<ConversationService>().MarkReadAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted) ?? throw ApiException.NotFound();
        var rendered = await RenderAsync(request, [record]);
        await request.Json(rendered.Single(), FeedsJsonContext.Default.Conversation);
    }

    public static async Task Delete(ApiRequest request)
    {
        if (!await request.Service<ConversationService>().RemoveAsync(request.CurrentAccount.Id, request.Route("id"), request.Aborted))
        {
            throw ApiException.NotFound();
        }

        await request.Json(new EmptyObject(), FeedsJsonContext.Default.EmptyObject);
    }

    private static async Task<List<Conversation>> RenderAsync(ApiRequest request, IReadOnlyList<ConversationRecord> records)
    {
        var me = request.CurrentAccount.Id;
        var mapper = request.Service<EntityMapper>();
        var accounts = (await request.Service<AccountService>().GetManyAsync(records.SelectMany(r => r.ParticipantIds).Where(id => id != me), request.Aborted)).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var statuses = (await request.Service<TimelineService>().RenderAsync(records.Select(r => r.LastStatusId).ToList(), request.Account, _ => true, request.Aborted)).ToDictionary(v => v.Status.Id, StringComparer.Ordinal);

        // A conversation only with accounts the caller must not see (blocked, muted, …) is left out.
        var safety = await request.Service<Core.Safety.StatusFilter>().ForViewerAsync(request.Account, request.Aborted);
        bool Hidden(ConversationRecord r) => !safety.IsEmpty && r.ParticipantIds.Where(id => id != me).All(id => !accounts.TryGetValue(id, out var other) || safety.HidesAccount(other))
            && r.ParticipantIds.Any(id => id != me);
        return records.Where(r => !Hidden(r)).Select(r => new Conversation(
            r.ConversationId,
            r.Unread,
            r.ParticipantIds.Where(accounts.ContainsKey).Select(id => mapper.ToAccount(accounts[id])).ToList(),
            statuses.TryGetValue(r.LastStatusId, out var last) ? mapper.ToStatus(last) : null)).ToList();
    }
}
