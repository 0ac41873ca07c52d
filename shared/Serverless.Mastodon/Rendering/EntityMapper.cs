using System.Globalization;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Entities;

namespace Serverless.Mastodon.Rendering;

/// <summary>Turns stored records into Mastodon's API entities.</summary>
public sealed class EntityMapper(InstanceOptions instance)
{
    /// <summary>Mastodon's timestamp format: UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string MissingAvatar => $"{instance.BaseUrl}/avatars/original/missing.png";

    private string MissingHeader => $"{instance.BaseUrl}/headers/original/missing.png";

    public Account ToAccount(AccountRecord account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new Account
        {
            Id = account.Id,
            Username = account.Username,
            Acct = account.IsLocal ? account.Username : $"{account.Username}@{account.Domain}",
            DisplayName = account.DisplayName,
            Locked = account.Locked,
            Bot = account.Bot,
            Discoverable = account.Discoverable,
            Indexable = account.Discoverable,
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
            Source = new AccountSource
            {
                Privacy = user.DefaultVisibility,
                Sensitive = user.DefaultSensitive,
                Language = user.DefaultLanguage,
                Note = account.NoteSource,
                Discoverable = account.Discoverable,
                Indexable = account.Discoverable,
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
            ReblogsCount = s.ReblogsCount,
            FavouritesCount = s.FavouritesCount,
            RepliesCount = s.RepliesCount,
            InReplyToId = s.InReplyToId,
            InReplyToAccountId = s.InReplyToAccountId,
            Reblog = view.Reblog is null ? null : ToStatus(view.Reblog),
            Language = s.Language,
            EditedAt = s.EditedAt is { } edited ? Timestamp(edited) : null,
            Favourited = false,
            Reblogged = false,
            Muted = false,
            Bookmarked = false,
            Pinned = false,
            Filtered = [],
        };
    }
}
