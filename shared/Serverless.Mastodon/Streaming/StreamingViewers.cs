using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Filters;
using Serverless.Core.Safety;
using Serverless.Core.Streaming;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Rendering;

namespace Serverless.Mastodon.Streaming;

/// <summary>Creates the per-connection <see cref="StreamViewer"/> that decides what one signed-in viewer is sent.</summary>
public sealed class StreamingViewers(StatusFilter safety, FilterService filters, TimeProvider time)
{
    /// <summary>How long a connection trusts its loaded mutes, blocks and domain blocks before reloading them (from the caching store's memory).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    public async Task<StreamViewer> ForAsync(AccountRecord viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var loaded = await safety.ForViewerAsync(viewer, cancellationToken);
        var loadedFilters = await filters.ForViewerAsync(viewer.Id, cancellationToken);
        return new StreamViewer(viewer, loaded, loadedFilters, time.GetUtcNow(), this);
    }

    internal Task<ViewerSafety> LoadSafetyAsync(AccountRecord viewer, CancellationToken cancellationToken) => safety.ForViewerAsync(viewer, cancellationToken);

    internal Task<ViewerFilters> LoadFiltersAsync(AccountRecord viewer, CancellationToken cancellationToken) => filters.ForViewerAsync(viewer.Id, cancellationToken);

    internal Task<ViewerSafety> WithFollowedSilencedAsync(ViewerSafety loaded, IEnumerable<AccountRecord> authors, CancellationToken cancellationToken) =>
        safety.WithFollowedSilencedAsync(loaded, authors, cancellationToken);

    internal DateTimeOffset Now => time.GetUtcNow();
}

/// <summary>
/// One connection's viewer: applies their mutes, blocks and domain blocks (and, on public and
/// hashtag streams, silenced accounts) to every event before it is sent, and their keyword and
/// status filters in the stream's context (<c>home</c> for user and list streams, <c>public</c>
/// for public and hashtag streams, <c>notifications</c>): a <c>hide</c> match drops the event, a
/// <c>warn</c> match adds <c>filtered</c> to the status, as Mastodon's streaming server does. The
/// sets are reloaded when older than <see cref="StreamingViewers.RefreshInterval"/> at the next
/// event (the caching store answers from memory until the viewer changes them) and at once on
/// <c>filters_changed</c>. Deletes always pass: they reveal nothing but an id.
/// </summary>
public sealed class StreamViewer
{
    private readonly StreamingViewers _viewers;
    private ViewerSafety _safety;
    private ViewerFilters _filters;
    private DateTimeOffset _loadedAt;

    internal StreamViewer(AccountRecord account, ViewerSafety safety, ViewerFilters filters, DateTimeOffset loadedAt, StreamingViewers viewers)
    {
        Account = account;
        _safety = safety;
        _filters = filters;
        _loadedAt = loadedAt;
        _viewers = viewers;
    }

    public AccountRecord Account { get; }

    /// <summary>Forces a reload before the next event (the viewer changed their filters).</summary>
    public void Invalidate() => _loadedAt = DateTimeOffset.MinValue;

    /// <summary>The payload to send on <paramref name="stream"/>, or null when the viewer must not see the event.</summary>
    public async ValueTask<string?> PrepareAsync(StreamEvent streamEvent, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        if (streamEvent.Event is StreamEvents.Delete or StreamEvents.FiltersChanged || streamEvent.Subject is not { } subject)
        {
            return streamEvent.Payload;
        }

        var safety = await RefreshAsync(cancellationToken);
        if (streamEvent.Event == StreamEvents.Notification)
        {
            // Mastodon drops notifications from those muted with notifications, blocked, or on a blocked domain; a plain mute still notifies.
            if (subject.From is { } from && safety.HidesNotificationFrom(from))
            {
                return null;
            }

            return subject.Status is { } about ? Filter(streamEvent.Payload, about, FilterContexts.Notifications, "status") : streamEvent.Payload;
        }

        if (subject.Status is not { } view)
        {
            return streamEvent.Payload;
        }

        if (safety.HidesStatus(view.Status, view.Account, view.Reblog?.Account))
        {
            return null;
        }

        if (StreamNames.IsPublic(stream) && view.Account.SilencedAt is not null)
        {
            safety = await _viewers.WithFollowedSilencedAsync(safety, [view.Account], cancellationToken);
            if (!safety.InPublicFeed(view.Account))
            {
                return null;
            }
        }

        if (streamEvent.Event is not (StreamEvents.Update or StreamEvents.StatusUpdate))
        {
            return streamEvent.Payload;
        }

        var context = stream is StreamNames.User or StreamNames.List ? FilterContexts.Home : StreamNames.IsPublic(stream) ? FilterContexts.Public : null;
        return context is null ? streamEvent.Payload : Filter(streamEvent.Payload, view, context, null);
    }

    /// <summary>Drops the payload on a <c>hide</c> match; on a <c>warn</c> match sets <c>filtered</c> on the status (at <paramref name="property"/>, or the payload itself) and on what it reblogs.</summary>
    private string? Filter(string payload, Core.Timelines.StatusView view, string context, string? property)
    {
        if (_filters.IsEmpty)
        {
            return payload;
        }

        var matches = _filters.Match(view, context, _viewers.Now);
        if (matches.Count == 0)
        {
            return payload;
        }

        if (ViewerFilters.Hides(matches))
        {
            return null;
        }

        var results = matches.Select(StatusRenderer.ToResult).ToList();
        var root = JsonNode.Parse(payload)!.AsObject();
        var status = property is null ? root : root[property] as JsonObject;
        if (status is null)
        {
            return payload;
        }

        status["filtered"] = JsonSerializer.SerializeToNode(results, MastodonJsonContext.Default.ListFilterResult);
        if (status["reblog"] is JsonObject reblog)
        {
            reblog["filtered"] = JsonSerializer.SerializeToNode(results, MastodonJsonContext.Default.ListFilterResult);
        }

        return root.ToJsonString();
    }

    private async ValueTask<ViewerSafety> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _viewers.Now;
        if (now - _loadedAt >= StreamingViewers.RefreshInterval)
        {
            _safety = await _viewers.LoadSafetyAsync(Account, cancellationToken);
            _filters = await _viewers.LoadFiltersAsync(Account, cancellationToken);
            _loadedAt = now;
        }

        return _safety;
    }
}
