using System.Globalization;
using System.Runtime.CompilerServices;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Media;
using Serverless.Core.Polls;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Rendering;

/// <summary>Turns stored records into Mastodon's API entities.</summary>
/// <remarks>
/// Timeline pages render the same records again and again, and the read cache hands out the same
/// record instances while they are unchanged: the viewer-independent part of an entity is kept
/// per record instance (a changed record is a new instance, so nothing stale is reused) and only
/// the viewer's flags are applied per request.
/// </remarks>
public sealed class EntityMapper(InstanceOptions instance, IMediaStore mediaStore, TimeProvider time)
{
    private readonly ConditionalWeakTable<AccountRecord, Account> _accounts = new();
    private readonly ConditionalWeakTable<Core.Statuses.StatusRecord, RenderedStatus> _statuses = new();

    /// <summary>A status rendered without viewer, reblog or poll, with the records it was made from.</summary>
    private sealed record RenderedStatus(AccountRecord Author, IReadOnlyList<MediaAttachmentRecord> Media, Status Entity)
    {
        /// <summary>
        /// The entity as a signed-in viewer who has not touched it sees it (all flags false, nothing
        /// filtered): most statuses on most pages, so made once instead of copied per request.
        /// </summary>
        public Status Untouched { get; } = Entity with
        {
            Favourited = false,
            Reblogged = false,
            Muted = false,
            Bookmarked = false,
            Pinned = false,
            Filtered = [],
            Base = Entity,
        };
    }

    /// <summary>Mastodon's timestamp format: UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string MissingAvatar { get; } = $"{instance.BaseUrl}/avatars/original/missing.png";

    private string MissingHeader { get; } = $"{instance.BaseUrl}/headers/original/missing.png";

    public Account ToAccount(AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (_accounts.TryGetValue(account, out var cached))
        {
            return cached;
        }

        var built = BuildAccount(account);
        _accounts.AddOrUpdate(account, built);
        return built;
    }

    private Account BuildAccount(AccountRecord account)
    {
        return new Account
        {
            Id = account.Id,
            Username = account.Username,
            Acct = account.IsLocal ? account.Username : $"{account.Username}@{account.Domain}",
            DisplayName = account.DisplayName,
            Locked = account.Locked,
            Bot = account.Bot,
            Discoverable = account.Discoverable,
            Indexable = account.Indexable ?? account.Discoverable,
            HideCollections = account.HideCollections,
            Fields = account.Fields.Select(f => new Field(f.Name, f.Value, f.VerifiedAt is { } verified ? Timestamp(verified) : null)).ToList(),
            CreatedAt = Timestamp(new DateTimeOffset(account.CreatedAt.UtcDateTime.Date, TimeSpan.Zero)),
            Note = account.Note,
            Url = account.Url,
            Uri = account.Uri,
            Avatar = account.AvatarUrl ?? MissingAvatar,
            AvatarStatic = account.AvatarUrl ?? MissingAvatar,
            Header = account.HeaderUrl ?? MissingHeader,
            HeaderStatic = account.HeaderUrl ?? MissingHeader,
            FollowersCount = account.FollowersCount,
            FollowingCount = account.FollowingCount,
            StatusesCount = account.StatusesCount,
            LastStatusAt = account.LastStatusAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    public CredentialAccount ToCredentialAccount(AccountRecord account, UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var basic = ToAccount(account);
        return new CredentialAccount
        {
            Id = basic.Id,
            Username = basic.Username,
            Acct = basic.Acct,
            DisplayName = basic.DisplayName,
            Locked = basic.Locked,
            Bot = basic.Bot,
            Discoverable = basic.Discoverable,
            Indexable = basic.Indexable,
            CreatedAt = basic.CreatedAt,
            Note = basic.Note,
            Url = basic.Url,
            Uri = basic.Uri,
            Avatar = basic.Avatar,
            AvatarStatic = basic.AvatarStatic,
            Header = basic.Header,
            HeaderStatic = basic.HeaderStatic,
            FollowersCount = basic.FollowersCount,
            FollowingCount = basic.FollowingCount,
            StatusesCount = basic.StatusesCount,
            LastStatusAt = basic.LastStatusAt,
            HideCollections = basic.HideCollections,
            Fields = basic.Fields,
            Source = new AccountSource
            {
                Privacy = user.DefaultVisibility,
                Sensitive = user.DefaultSensitive,
                Language = user.DefaultLanguage,
                Note = account.NoteSource,
                Discoverable = account.Discoverable,
                Indexable = account.Indexable ?? account.Discoverable,
                HideCollections = account.HideCollections,
                Fields = account.Fields.Select(f => new Field(f.Name, f.ValueSource ?? f.Value, null)).ToList(),
                FollowRequestsCount = Math.Max(0, account.FollowRequestsCount),
            },
            Role = new Role
            {
                Id = ((int)user.Role).ToString(CultureInfo.InvariantCulture),
                Name = user.Role == UserRole.User ? "" : user.Role.ToString(),
                Permissions = user.Role switch
                {
                    UserRole.Owner => "1",
                    UserRole.Admin => "1",
                    _ => "0",
                },
            },
        };
    }

    public Status ToStatus(StatusView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Status;
        if (!_statuses.TryGetValue(s, out var rendered) || !ReferenceEquals(rendered.Author, view.Account) || !SameMedia(rendered.Media, view.Media))
        {
            rendered = new RenderedStatus(view.Account, view.Media, BuildStatus(view));
            _statuses.AddOrUpdate(s, rendered);
        }

        if (view.Poll is null && view.Reblog is null && view.Viewer is { Favourited: false, Reblogged: false, Muted: false, Bookmarked: false, Pinned: false })
        {
            return rendered.Untouched;
        }

        return rendered.Entity with
        {
            Poll = view.Poll is null ? null : ToPoll(view.Poll, view.Viewer?.OwnVotes, view.Viewer is not null),
            Reblog = view.Reblog is null ? null : ToStatus(view.Reblog),
            Favourited = view.Viewer?.Favourited,
            Reblogged = view.Viewer?.Reblogged,
            Muted = view.Viewer?.Muted,
            Bookmarked = view.Viewer?.Bookmarked,
            Pinned = view.Viewer?.Pinned,
            Filtered = view.Viewer is null ? null : [],
            Base = rendered.Entity,
        };
    }

    private static bool SameMedia(IReadOnlyList<MediaAttachmentRecord> a, IReadOnlyList<MediaAttachmentRecord> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The viewer-independent part of a status.</summary>
    private Status BuildStatus(StatusView view)
    {
        var s = view.Status;
        return new Status
        {
            Id = s.Id,
            Uri = s.Uri,
            Url = s.Url,
            CreatedAt = Timestamp(s.CreatedAt),
            Account = ToAccount(view.Account),
            Content = s.Content,
            Visibility = s.Visibility,
            Sensitive = s.Sensitive,
            SpoilerText = s.SpoilerText,
            Application = s.ApplicationName is null ? null : new StatusApplication(s.ApplicationName, s.ApplicationWebsite),
            MediaAttachments = view.Media.Select(ToMediaAttachment).ToList(),
            Mentions = s.Mentions.Select(m => new Mention(m.AccountId, m.Username, m.Url, m.Acct)).ToList(),
            Tags = s.Tags.Select(t => new Tag(t, $"{instance.BaseUrl}/tags/{Uri.EscapeDataString(t)}")).ToList(),
            ReblogsCount = s.ReblogsCount,
            FavouritesCount = s.FavouritesCount,
            RepliesCount = s.RepliesCount,
            InReplyToId = s.InReplyToId,
            InReplyToAccountId = s.InReplyToAccountId,
            Language = s.Language,
            EditedAt = s.EditedAt is { } edited ? Timestamp(edited) : null,
        };
    }

    public MediaAttachment ToMediaAttachment(MediaAttachmentRecord media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var ready = media.State == MediaStates.Ready;
        return new MediaAttachment
        {
            Id = media.Id,
            Type = media.Type,
            // Remote media not cached here is shown from where it lives, as Mastodon does with caching off.
            Url = ready && media.FileKey is not null ? mediaStore.GetPublicUrl(media.FileKey).ToString() : ready ? media.RemoteUrl : null,
            PreviewUrl = ready && media.PreviewKey is not null ? mediaStore.GetPublicUrl(media.PreviewKey).ToString() : ready ? media.RemoteUrl : null,
            RemoteUrl = media.RemoteUrl,
            Description = media.Description,
            Blurhash = media.Blurhash,
            Meta = new MediaMeta
            {
                Original = Dimensions(media.Width, media.Height, media.Duration),
                Small = Dimensions(media.PreviewWidth, media.PreviewHeight, null),
                Focus = media.FocusX is { } x && media.FocusY is { } y ? new MediaFocus(x, y) : null,
            },
        };
    }

    /// <summary>A poll as the viewer may see it: totals stay hidden until the viewer voted or the poll ended, when the author asked for that.</summary>
    public Poll ToPoll(PollRecord poll, IReadOnlyList<int>? ownVotes, bool signedIn)
    {
        ArgumentNullException.ThrowIfNull(poll);
        var expired = poll.ExpiresAt is { } end && end <= time.GetUtcNow();
        var showTotals = !poll.HideTotals || expired || ownVotes is not null;
        return new Poll
        {
            Id = poll.Id,
            ExpiresAt = poll.ExpiresAt is { } at ? Timestamp(at) : null,
            Expired = expired,
            Multiple = poll.Multiple,
            VotesCount = poll.VotesCount,
            VotersCount = poll.Multiple ? poll.VotersCount : null,
            Options = poll.Options.Select(o => new PollOption(o.Title, showTotals ? o.VotesCount : null)).ToList(),
            Voted = signedIn ? ownVotes is not null : null,
            OwnVotes = signedIn ? [.. ownVotes ?? []] : null,
        };
    }

    private static MediaDimensions? Dimensions(int? width, int? height, double? duration) =>
        width is { } w && height is { } h
            ? new MediaDimensions { Width = w, Height = h, Size = $"{w}x{h}", Aspect = h == 0 ? null : Math.Round((double)w / h, 6), Duration = duration }
            : duration is not null ? new MediaDimensions { Duration = duration } : null;
}
