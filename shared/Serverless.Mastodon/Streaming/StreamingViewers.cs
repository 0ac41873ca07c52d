using Serverless.Core.Accounts;
using Serverless.Core.Safety;
using Serverless.Core.Streaming;

namespace Serverless.Mastodon.Streaming;

/// <summary>Creates the per-connection <see cref="StreamViewer"/> that decides what one signed-in viewer is sent.</summary>
public sealed class StreamingViewers(StatusFilter safety, TimeProvider time)
{
    /// <summary>How long a connection trusts its loaded mutes, blocks and domain blocks before reloading them (from the caching store's memory).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    public async Task<StreamViewer> ForAsync(AccountRecord viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var loaded = await safety.ForViewerAsync(viewer, cancellationToken);
        return new StreamViewer(viewer, loaded, time.GetUtcNow(), this);
    }

    internal Task<ViewerSafety> LoadSafetyAsync(AccountRecord viewer, CancellationToken cancellationToken) => safety.ForViewerAsync(viewer, cancellationToken);

    internal Task<ViewerSafety> WithFollowedSilencedAsync(ViewerSafety loaded, IEnumerable<AccountRecord> authors, CancellationToken cancellationToken) =>
        safety.WithFollowedSilencedAsync(loaded, authors, cancellationToken);

    internal DateTimeOffset Now => time.GetUtcNow();
}

/// <summary>
/// One connection's viewer: applies their mutes, blocks and domain blocks (and, on public and
/// hashtag streams, silenced accounts) to every event before it is sent, as Mastodon's streaming
/// server does. The sets are reloaded when older than <see cref="StreamingViewers.RefreshInterval"/>
/// at the next event (the caching store answers from memory until the viewer changes them) and
/// at once on <c>filters_changed</c>. Deletes always pass: they reveal nothing but an id.
/// </summary>
public sealed class StreamViewer
{
    private readonly StreamingViewers _viewers;
    private ViewerSafety _safety;
    private DateTimeOffset _loadedAt;

    internal StreamViewer(AccountRecord account, ViewerSafety safety, DateTimeOffset loadedAt, StreamingViewers viewers)
    {
        Account = account;
        _safety = safety;
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

        var safety = await SafetyAsync(cancellationToken);
        if (streamEvent.Event == StreamEvents.Notification)
        {
            // Mastodon drops notifications from those muted with notifications, blocked, or on a blocked domain; a plain mute still notifies.
            return subject.From is { } from && safety.HidesNotificationFrom(from) ? null : streamEvent.Payload;
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

        return streamEvent.Payload;
    }

    private async ValueTask<ViewerSafety> SafetyAsync(CancellationToken cancellationToken)
    {
        var now = _viewers.Now;
        if (now - _loadedAt >= StreamingViewers.RefreshInterval)
        {
            _safety = await _viewers.LoadSafetyAsync(Account, cancellationToken);
            _loadedAt = now;
        }

        return _safety;
    }
}
