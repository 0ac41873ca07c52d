using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Conversations;
using Serverless.Core.Notifications;
using Serverless.Core.Statuses;
using Serverless.Core.Streaming;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Streaming;

/// <summary>
/// Renders what fan-out and notifications announce as Mastodon entities and publishes them to the
/// stream groups (<see cref="StreamNames"/>): a timeline write becomes an <c>update</c> (or
/// <c>delete</c>, <c>status.update</c>) to the matching group, a notification a
/// <c>notification</c> to <c>user:{id}</c> and <c>user:notification:{id}</c>, a direct status a
/// <c>conversation</c> to each participant's <c>direct:{id}</c>.
/// </summary>
/// <remarks>
/// Statuses are rendered once, without a viewer, as Mastodon's fan-out renders its stream payload:
/// a new status has no viewer state yet (nobody has favourited it), so rendering it per follower
/// would cost one read of interactions per recipient for fields that are all false; the price is
/// that a reblog's <c>favourited</c>/<c>bookmarked</c> are absent rather than the recipient's own.
/// The rendering is cached briefly, because fan-out announces the same status to every follower,
/// page after page. Notifications and conversations have one recipient each and are rendered for
/// them. Services are resolved lazily: the renderers depend (through the status service) on the
/// notification service that calls this.
/// </remarks>
public sealed partial class StreamingEventPublisher(IServiceProvider services, TimeProvider time, ILogger<StreamingEventPublisher> logger) : IStreamingEvents
{
    /// <summary>Rendered statuses kept for the pages of one fan-out.</summary>
    private const int CacheLimit = 256;

    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Rendered> _rendered = new(StringComparer.Ordinal);

    private HostedStreamAudience? _audience;

    /// <summary>Shared-group audiences by status version: fan-out announces a status to public, local and each tag in turn.</summary>
    private readonly ConcurrentDictionary<string, (HostedStreamAudience.Shared Audience, DateTimeOffset At)> _shared = new(StringComparer.Ordinal);

    private IStreamPublisher Publisher => services.GetRequiredService<IStreamPublisher>();

    public async Task TimelineAsync(string @event, StatusRecord status, string timelineKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(timelineKey);
        var targets = Targets(timelineKey, status);
        if (targets.Count == 0)
        {
            return;
        }

        try
        {
            string payload;
            StreamSubject? subject = null;
            if (@event == StreamEvents.Delete)
            {
                payload = status.Id;
            }
            else
            {
                if (await RenderStatusAsync(status, cancellationToken) is not { } rendered)
                {
                    return;
                }

                payload = rendered.Payload;
                subject = rendered.Subject;
            }

            var publisher = Publisher;
            if (publisher is not IStreamSubscriptions && subject?.Status is { } view)
            {
                await PublishHostedAsync(publisher, @event, status, timelineKey, targets, payload, subject, view, cancellationToken);
                return;
            }

            foreach (var (group, stream) in targets)
            {
                await publisher.PublishAsync(new StreamEvent(group, stream, @event, payload) { Subject = subject }, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, @event, status.Id);
        }
    }

    public async Task NotificationAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            var accounts = services.GetRequiredService<AccountService>();
            if (await accounts.GetAsync(notification.AccountId, cancellationToken) is not { } recipient
                || await accounts.GetAsync(notification.FromAccountId, cancellationToken) is not { } from)
            {
                return;
            }

            StatusView? status = null;
            if (notification.StatusId is { } statusId)
            {
                var views = await services.GetRequiredService<TimelineService>().RenderAsync([statusId], recipient, s => s.DeletedAt is null, cancellationToken);
                if (views.Count == 0)
                {
                    return;
                }

                status = views[0];
            }

            var mapper = services.GetRequiredService<EntityMapper>();
            var entity = new Notification
            {
                Id = notification.Id,
                Type = notification.Type,
                GroupKey = notification.GroupKey,
                CreatedAt = EntityMapper.Timestamp(notification.CreatedAt),
                Account = mapper.ToAccount(from),
                Status = status is null ? null : mapper.ToStatus(status),
            };
            var payload = JsonSerializer.Serialize(entity, FeedsJsonContext.Default.Notification);
            var subject = SubjectOf(status) with { From = from };
            await Publisher.PublishAsync(new StreamEvent(StreamNames.UserGroup(recipient.Id), [StreamNames.User], StreamEvents.Notification, payload) { Subject = subject }, cancellationToken);
            await Publisher.PublishAsync(new StreamEvent(StreamNames.NotificationGroup(recipient.Id), [StreamNames.UserNotification], StreamEvents.Notification, payload) { Subject = subject }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, StreamEvents.Notification, notification.Id);
        }
    }

    public async Task ConversationAsync(StatusRecord status, IReadOnlyList<string> participantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(participantIds);
        try
        {
            var conversations = services.GetRequiredService<ConversationService>();
            var accounts = services.GetRequiredService<AccountService>();
            var mapper = services.GetRequiredService<EntityMapper>();
            var conversationId = status.ConversationId ?? status.Id;
            foreach (var participantId in participantIds.Distinct(StringComparer.Ordinal))
            {
                if (await conversations.GetAsync(participantId, conversationId, cancellationToken) is not { } record
                    || await accounts.GetAsync(participantId, cancellationToken) is not { } participant)
                {
                    continue;
                }

                var others = await accounts.GetManyAsync(record.ParticipantIds.Where(id => id != participantId), cancellationToken);
                var views = await services.GetRequiredService<TimelineService>().RenderAsync([record.LastStatusId], participant, s => s.DeletedAt is null, cancellationToken);
                var entity = new Conversation(record.ConversationId, record.Unread, others.Select(mapper.ToAccount).ToList(), views.Count > 0 ? mapper.ToStatus(views[0]) : null);
                var payload = JsonSerializer.Serialize(entity, FeedsJsonContext.Default.Conversation);
                if (Publisher is not IStreamSubscriptions
                    && (views.Count == 0 || await Audience.ForOwnerAsync(participantId, views[0], payload, context: null, property: null, cancellationToken) is null))
                {
                    // A hosted direct group has one owner: what they block or mute is not sent, nor a conversation whose last status rendering hid from them.
                    continue;
                }

                await Publisher.PublishAsync(
                    new StreamEvent(StreamNames.DirectGroup(participantId), [StreamNames.Direct], StreamEvents.Conversation, payload) { Subject = SubjectOf(views.Count > 0 ? views[0] : null) },
                    cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, StreamEvents.Conversation, status.Id);
        }
    }

    private HostedStreamAudience Audience => _audience ??= new HostedStreamAudience(
        services.GetRequiredService<Core.Storage.IDocumentStore>(),
        services.GetRequiredService<Core.Safety.StatusFilter>(),
        services.GetRequiredService<Core.Filters.FilterService>(),
        time);

    /// <summary>
    /// A hosted service (Web PubSub) sends a group's frames as published, with no per-connection
    /// filtering, so what each viewer's connection would drop in process is decided here
    /// (<see cref="HostedStreamAudience"/>): a user or list group has one owner, whose mutes,
    /// blocks, domain blocks and <c>home</c> filters apply before publishing (<c>hide</c> drops it,
    /// <c>warn</c> sets <c>filtered</c>); a public or hashtag group is sent to all but the viewers
    /// who must not get it, and those with a <c>warn</c> match get their own copy with <c>filtered</c>.
    /// </summary>
    private async Task PublishHostedAsync(
        IStreamPublisher publisher,
        string @event,
        StatusRecord status,
        string timelineKey,
        IReadOnlyList<(string Group, IReadOnlyList<string> Stream)> targets,
        string payload,
        StreamSubject subject,
        StatusView view,
        CancellationToken cancellationToken)
    {
        var separator = timelineKey.IndexOf(':', StringComparison.Ordinal);
        var kind = separator < 0 ? timelineKey : timelineKey[..separator];
        var rest = separator < 0 ? "" : timelineKey[(separator + 1)..];
        if (kind is "home" or "list")
        {
            var owner = kind == "home" ? rest : await Audience.ListOwnerAsync(rest, status.AccountId, cancellationToken);
            if (owner is null || await Audience.ForOwnerAsync(owner, view, payload, Core.Filters.FilterContexts.Home, property: null, cancellationToken) is not { } own)
            {
                return;
            }

            foreach (var (group, stream) in targets)
            {
                await publisher.PublishAsync(new StreamEvent(group, stream, @event, own) { Subject = subject }, cancellationToken);
            }

            return;
        }

        var audience = await SharedAudienceAsync(status, view, payload, cancellationToken);
        if (audience.Skip)
        {
            LogSharedSkipped(logger, @event, status.Id);
            return;
        }

        foreach (var (group, stream) in targets)
        {
            await publisher.PublishAsync(new StreamEvent(group, stream, @event, payload) { Subject = subject, ExceptViewers = audience.Except }, cancellationToken);
            foreach (var (viewerId, copy) in audience.Copies)
            {
                await publisher.PublishAsync(new StreamEvent(group, stream, @event, copy) { Subject = subject, OnlyViewer = viewerId }, cancellationToken);
            }
        }
    }

    private async Task<HostedStreamAudience.Shared> SharedAudienceAsync(StatusRecord status, StatusView view, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = status.Id + "@" + (status.EditedAt?.UtcTicks ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_shared.TryGetValue(key, out var cached) && now - cached.At < CacheLifetime)
        {
            return cached.Audience;
        }

        var audience = await Audience.SharedAsync(view, payload, cancellationToken);
        if (_shared.Count >= CacheLimit)
        {
            _shared.Clear();
        }

        _shared[key] = (audience, now);
        return audience;
    }

    /// <summary>The groups (and frame stream names) a timeline's events go to; the account timeline streams nowhere.</summary>
    internal static IReadOnlyList<(string Group, IReadOnlyList<string> Stream)> Targets(string timelineKey, StatusRecord status)
    {
        var media = status.MediaIds.Count > 0;
        var separator = timelineKey.IndexOf(':', StringComparison.Ordinal);
        var kind = separator < 0 ? timelineKey : timelineKey[..separator];
        var rest = separator < 0 ? "" : timelineKey[(separator + 1)..];
        return kind switch
        {
            "home" => [(StreamNames.UserGroup(rest), [StreamNames.User])],
            "list" => [(StreamNames.ListGroup(rest), [StreamNames.List, rest])],
            "tag" => [(StreamNames.HashtagGroup(rest), [StreamNames.Hashtag, rest])],
            "tag-local" => [(StreamNames.LocalHashtagGroup(rest), [StreamNames.HashtagLocal, rest])],
            TimelineKeys.Public => Public(StreamNames.Public, StreamNames.PublicMedia, media),
            TimelineKeys.Local => Public(StreamNames.PublicLocal, StreamNames.PublicLocalMedia, media),
            TimelineKeys.Remote => Public(StreamNames.PublicRemote, StreamNames.PublicRemoteMedia, media),
            _ => [],
        };
    }

    private static IReadOnlyList<(string Group, IReadOnlyList<string> Stream)> Public(string stream, string mediaStream, bool media) =>
        media ? [(stream, [stream]), (mediaStream, [mediaStream])] : [(stream, [stream])];

    private async Task<Rendered?> RenderStatusAsync(StatusRecord status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = status.Id + "@" + (status.EditedAt?.UtcTicks ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_rendered.TryGetValue(key, out var cached) && now - cached.At < CacheLifetime)
        {
            return cached;
        }

        var views = await services.GetRequiredService<TimelineService>().RenderAsync([status.Id], viewer: null, s => s.DeletedAt is null, cancellationToken);
        if (views.Count == 0)
        {
            return null;
        }

        var entity = services.GetRequiredService<EntityMapper>().ToStatus(views[0]);
        var rendered = new Rendered(JsonSerializer.Serialize(entity, MastodonJsonContext.Default.Status), SubjectOf(views[0]), now);
        if (_rendered.Count >= CacheLimit)
        {
            foreach (var stale in _rendered.Where(e => now - e.Value.At >= CacheLifetime).Select(e => e.Key).ToList())
            {
                _rendered.TryRemove(stale, out _);
            }

            if (_rendered.Count >= CacheLimit)
            {
                _rendered.Clear();
            }
        }

        _rendered[key] = rendered;
        return rendered;
    }

    private static StreamSubject SubjectOf(StatusView? view) => new() { Status = view };

    private sealed record Rendered(string Payload, StreamSubject Subject, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosted streaming: {Event} for {Id} not sent to its shared groups (silenced author, or more viewers to leave out than one filtered send can name)")]
    private static partial void LogSharedSkipped(ILogger logger, string @event, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stream {Event} for {Id}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string @event, string id);
}
