using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Core.Errors;
using Serverless.Core.Follows;
using Serverless.Core.Json;
using Serverless.Core.Media;
using Serverless.Core.Statuses;
using Serverless.Core.Storage;

namespace Serverless.Core.Accounts;

/// <summary>
/// Changes to one's own profile and posting defaults (<c>PATCH /api/v1/accounts/update_credentials</c>):
/// validated first, images stored, then the account replaced under its ETag so that counters
/// patched meanwhile are kept.
/// </summary>
public sealed partial class ProfileService(
    IDocumentStore store,
    AccountService accounts,
    FollowService follows,
    IMediaStore media,
    Federation.IFederationOutbox outbox,
    ILogger<ProfileService> logger)
{
    public const int MaxDisplayNameLength = 30;
    public const int MaxNoteLength = 500;
    public const int MaxFields = 4;
    public const int MaxFieldNameLength = 255;
    public const int MaxFieldValueLength = 255;
    public const long MaxAvatarBytes = 2 * 1024 * 1024;
    public const long MaxHeaderBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Pending follow requests accepted when an account is unlocked. Mastodon accepts them all in
    /// the background; here they are accepted in the request, so at most one page of them (the
    /// rest stay in <c>GET /api/v1/follow_requests</c>).
    /// </summary>
    public const int UnlockAuthorizeLimit = 80;

    /// <summary>An uploaded image as the HTTP layer received it.</summary>
    public sealed record ProfileImage(Stream Content, long Length);

    /// <summary>What a client asked to change; null leaves a value as it is.</summary>
    public sealed record ProfileUpdate
    {
        public string? DisplayName { get; init; }
        public string? Note { get; init; }
        public bool? Locked { get; init; }
        public bool? Bot { get; init; }
        public bool? Discoverable { get; init; }
        public bool? Indexable { get; init; }
        public bool? HideCollections { get; init; }
        public IReadOnlyList<KeyValuePair<string, string>>? Fields { get; init; }
        public ProfileImage? Avatar { get; init; }
        public ProfileImage? Header { get; init; }
        public string? Privacy { get; init; }
        public bool? Sensitive { get; init; }

        /// <summary>The default posting language; an empty string clears it.</summary>
        public string? Language { get; init; }
    }

    public async Task<(AccountRecord Account, UserRecord User)> UpdateAsync(AccountRecord account, UserRecord user, ProfileUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(update);
        Validate(update);
        var fields = update.Fields?.Select(f => new AccountField(f.Key, FieldHtml(f.Value), f.Value)).ToList();

        // Images are checked and stored before anything else changes; they are removed again if the update fails.
        var stored = new List<string>();
        try
        {
            var avatar = update.Avatar is null ? null : await StoreImageAsync(account.Id, "avatars", "Avatar", update.Avatar, MaxAvatarBytes, stored, cancellationToken);
            var header = update.Header is null ? null : await StoreImageAsync(account.Id, "headers", "Header", update.Header, MaxHeaderBytes, stored, cancellationToken);

            AccountRecord before;
            AccountRecord after;
            for (var attempt = 0; ; attempt++)
            {
                var doc = await store.ReadAsync(Containers.Accounts, account.Id, account.Id, StoreJsonContext.Default.AccountRecord, cancellationToken) ?? throw new RecordNotFoundException();
                before = doc.Value;
                after = before with
                {
                    DisplayName = update.DisplayName ?? before.DisplayName,
                    Note = update.Note is null ? before.Note : TextFormatter.ToHtml(update.Note),
                    NoteSource = update.Note ?? before.NoteSource,
                    Locked = update.Locked ?? before.Locked,
                    Bot = update.Bot ?? before.Bot,
                    Discoverable = update.Discoverable ?? before.Discoverable,
                    Indexable = update.Indexable ?? before.Indexable,
                    HideCollections = update.HideCollections ?? before.HideCollections,
                    Fields = fields ?? before.Fields,
                    AvatarUrl = avatar is null ? before.AvatarUrl : media.GetPublicUrl(avatar).ToString(),
                    AvatarKey = avatar ?? before.AvatarKey,
                    HeaderUrl = header is null ? before.HeaderUrl : media.GetPublicUrl(header).ToString(),
                    HeaderKey = header ?? before.HeaderKey,
                };

                try
                {
                    // The ETag keeps follower counts patched meanwhile: a lost race re-reads and re-applies.
                    await store.ReplaceAsync(Containers.Accounts, account.Id, account.Id, after, StoreJsonContext.Default.AccountRecord, doc.ETag, cancellationToken);
                    break;
                }
                catch (DocumentPreconditionFailedException) when (attempt < 5)
                {
                }
            }

            stored.Clear();
            await DeleteReplacedAsync(before.AvatarKey, after.AvatarKey);
            await DeleteReplacedAsync(before.HeaderKey, after.HeaderKey);
            if (before.DisplayName != after.DisplayName)
            {
                await accounts.IndexHandlesAsync(after, before, cancellationToken);
            }

            var newUser = await UpdateUserAsync(user, update, cancellationToken);
            if (before.Locked && !after.Locked)
            {
                await follows.AuthorizeAllAsync(after, UnlockAuthorizeLimit, cancellationToken);
                after = await accounts.GetAsync(account.Id, cancellationToken) ?? after;
            }

            await outbox.ProfileUpdatedAsync(after, cancellationToken);
            return (after, newUser);
        }
        finally
        {
            foreach (var key in stored)
            {
                await media.DeleteAsync(key, CancellationToken.None);
            }
        }
    }

    /// <summary>Removes the uploaded avatar (or header), going back to the default image (<c>DELETE /api/v1/profile/avatar</c>).</summary>
    public async Task<AccountRecord> RemoveImageAsync(AccountRecord account, bool header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        for (var attempt = 0; ; attempt++)
        {
            var doc = await store.ReadAsync(Containers.Accounts, account.Id, account.Id, StoreJsonContext.Default.AccountRecord, cancellationToken) ?? throw new RecordNotFoundException();
            var before = doc.Value;
            var after = header ? before with { HeaderUrl = null, HeaderKey = null } : before with { AvatarUrl = null, AvatarKey = null };
            if (after == before)
            {
                return before;
            }

            try
            {
                await store.ReplaceAsync(Containers.Accounts, account.Id, account.Id, after, StoreJsonContext.Default.AccountRecord, doc.ETag, cancellationToken);
            }
            catch (DocumentPreconditionFailedException) when (attempt < 5)
            {
                continue;
            }

            await DeleteReplacedAsync(header ? before.HeaderKey : before.AvatarKey, null);
            return after;
        }
    }

    /// <summary>Recognises the image formats Mastodon accepts for avatars and headers by their first bytes.</summary>
    public static (string ContentType, string Extension)? DetectImage(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ("image/png", "png");
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ("image/jpeg", "jpeg");
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ("image/gif", "gif");
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ("image/webp", "webp");
        }

        return null;
    }

    private static void Validate(ProfileUpdate update)
    {
        if (update.DisplayName is { } name && new System.Globalization.StringInfo(name).LengthInTextElements > MaxDisplayNameLength)
        {
            throw new ValidationFailedException($"Validation failed: Display name is too long (maximum is {MaxDisplayNameLength} characters)");
        }

        if (update.Note is { } note && TextFormatter.CountCharacters(note) > MaxNoteLength)
        {
            throw new ValidationFailedException($"Validation failed: Note is too long (maximum is {MaxNoteLength} characters)");
        }

        if (update.Fields is { } fields)
        {
            if (fields.Count > MaxFields)
            {
                throw new ValidationFailedException($"Validation failed: Fields is too long (maximum is {MaxFields} fields)");
            }

            if (fields.Any(f => f.Key.Length > MaxFieldNameLength || f.Value.Length > MaxFieldValueLength))
            {
                throw new ValidationFailedException($"Validation failed: Fields is too long (maximum is {MaxFieldValueLength} characters per name or value)");
            }
        }

        if (update.Privacy is { } privacy && privacy is not (Visibility.Public or Visibility.Unlisted or Visibility.Private))
        {
            throw new ValidationFailedException("Validation failed: Setting default privacy is not included in the list");
        }

        if (update.Language is { Length: > 0 } language && (language.Length is < 2 or > 3 || !language.All(char.IsAsciiLetter)))
        {
            throw new ValidationFailedException("Validation failed: Setting default language is not included in the list");
        }
    }

    /// <summary>A field value as Mastodon shows it: escaped text with links, without the paragraph around it.</summary>
    private static string FieldHtml(string value)
    {
        var html = TextFormatter.ToHtml(value.Replace('\n', ' ').Replace('\r', ' '));
        return WithRelMe(html.StartsWith("<p>", StringComparison.Ordinal) && html.EndsWith("</p>", StringComparison.Ordinal) ? html[3..^4] : html);
    }

    /// <summary>
    /// Marks the links of a field value (as <see cref="TextFormatter"/> writes them) <c>rel="me"</c>, as
    /// Mastodon does, so that the linked site and this profile can verify each other.
    /// </summary>
    public static string WithRelMe(string fieldHtml)
    {
        ArgumentNullException.ThrowIfNull(fieldHtml);
        return fieldHtml.Replace("rel=\"nofollow noopener\"", "rel=\"nofollow noopener me\"", StringComparison.Ordinal);
    }

    private async Task<string> StoreImageAsync(string accountId, string kind, string label, ProfileImage image, long maxBytes, List<string> stored, CancellationToken cancellationToken)
    {
        var limitText = $"{maxBytes / (1024 * 1024)} MB";
        if (image.Length > maxBytes)
        {
            throw new ValidationFailedException($"Validation failed: {label} file size must be less than {limitText}");
        }

        // Read at most one byte over the limit: the declared length is the client's word, the bytes are not.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await image.Content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new ValidationFailedException($"Validation failed: {label} file size must be less than {limitText}");
            }
        }

        var type = DetectImage(buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, 16)))
            ?? throw new ValidationFailedException($"Validation failed: {label} must be a PNG, JPEG, GIF or WebP image");
        var key = $"accounts/{kind}/{accountId}/original/{RandomNumberGenerator.GetHexString(16, lowercase: true)}.{type.Extension}";
        buffer.Position = 0;
        await media.PutAsync(key, buffer, type.ContentType, cancellationToken);
        stored.Add(key);
        return key;
    }

    private async Task DeleteReplacedAsync(string? oldKey, string? newKey)
    {
        if (oldKey is null || oldKey == newKey)
        {
            return;
        }

        try
        {
            await media.DeleteAsync(oldKey, CancellationToken.None);
        }
        catch (IOException ex)
        {
            LogImageNotDeleted(logger, ex, oldKey);
        }
    }

    private async Task<UserRecord> UpdateUserAsync(UserRecord user, ProfileUpdate update, CancellationToken cancellationToken)
    {
        var ops = new List<PatchOperation>();
        var changed = user;
        if (update.Privacy is { } privacy && privacy != user.DefaultVisibility)
        {
            ops.Add(PatchOperation.Set("/defaultVisibility", JsonValue.Create(privacy)));
            changed = changed with { DefaultVisibility = privacy };
        }

        if (update.Sensitive is { } sensitive && sensitive != user.DefaultSensitive)
        {
            ops.Add(PatchOperation.Set("/defaultSensitive", JsonValue.Create(sensitive)));
            changed = changed with { DefaultSensitive = sensitive };
        }

        if (update.Language is { } language)
        {
            var value = language.Length == 0 ? null : language.ToLowerInvariant();
            if (value != user.DefaultLanguage)
            {
                ops.Add(value is null ? PatchOperation.Remove("/defaultLanguage") : PatchOperation.Set("/defaultLanguage", JsonValue.Create(value)));
                changed = changed with { DefaultLanguage = value };
            }
        }

        if (ops.Count > 0)
        {
            await store.PatchAsync(Containers.Users, user.AccountId, user.AccountId, ops, ifMatch: null, cancellationToken);
        }

        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The replaced profile image {Key} was not deleted")]
    private static partial void LogImageNotDeleted(ILogger logger, Exception exception, string key);
}
