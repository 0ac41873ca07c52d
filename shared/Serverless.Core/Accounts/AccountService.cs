using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Serverless.Core.Configuration;
using Serverless.Core.Errors;
using Serverless.Core.Ids;
using Serverless.Core.Json;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.Accounts;

/// <summary>Creates and finds accounts. Uniqueness of usernames and emails is kept by lookup documents created before the account.</summary>
public sealed partial class AccountService(
    IDocumentStore store,
    SnowflakeIds ids,
    TimeProvider time,
    InstanceOptions options,
    LocalUrls urls,
    Instance.InstanceStats stats,
    ILogger<AccountService> logger)
{
    public const int MinimumPasswordLength = 8;
    public const int MaximumPasswordLength = 72;

    [GeneratedRegex("^[a-z0-9_]{1,30}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    private static readonly HashSet<string> ReservedUsernames = new(StringComparer.OrdinalIgnoreCase)
    {
        "admin", "support", "help", "root", "webmaster", "administrator", "mod", "moderator", "actor", "instance", "inbox", "system",
    };

    public static string UsernameKey(string username) => "acct:" + username.ToLowerInvariant();

    public static string EmailKey(string email) => "email:" + email.Trim().ToLowerInvariant();

    /// <summary>The request of a sign-up, as the registration API and the admin command pass it.</summary>
    public sealed record Registration(string Username, string Email, string Password, bool AgreedToTerms, string Locale = "en", string? Reason = null, UserRole Role = UserRole.User, bool SkipApproval = false, bool AllowReserved = false);

    /// <summary>Registers a local account; throws <see cref="ValidationFailedException"/> with per-field details.</summary>
    public async Task<(AccountRecord Account, UserRecord User)> RegisterAsync(Registration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        Validate(registration);

        var now = time.GetUtcNow();
        var accountId = ids.NextString();
        var usernameKey = UsernameKey(registration.Username);
        var emailKey = EmailKey(registration.Email);

        // Reserve the unique keys first; if a later step fails, give them back.
        if (!await TryReserveAsync(usernameKey, accountId, cancellationToken))
        {
            throw ValidationFailedException.ForField("username", "ERR_TAKEN", "has already been taken");
        }

        var written = new List<(string Container, string Pk, string Id)> { (Containers.Lookups, usernameKey, usernameKey) };
        try
        {
            if (!await TryReserveAsync(emailKey, accountId, cancellationToken))
            {
                throw ValidationFailedException.ForField("email", "ERR_TAKEN", "has already been taken");
            }

            written.Add((Containers.Lookups, emailKey, emailKey));
            var (publicKey, privateKey) = RsaKeys.Generate();
            var user = new UserRecord
            {
                AccountId = accountId,
                Email = registration.Email.Trim(),
                PasswordHash = PasswordHasher.Hash(registration.Password),
                Role = registration.Role,
                Approved = registration.SkipApproval || options.RegistrationsMode == RegistrationsMode.Open,
                Locale = registration.Locale,
                SignUpReason = registration.Reason,
                PrivateKeyPem = privateKey,
                CreatedAt = now,
            };
            await store.CreateAsync(Containers.Users, accountId, accountId, user, StoreJsonContext.Default.UserRecord, cancellationToken);
            written.Add((Containers.Users, accountId, accountId));

            var account = new AccountRecord
            {
                Id = accountId,
                Username = registration.Username,
                CreatedAt = now,
                Uri = urls.Actor(registration.Username),
                Url = urls.Profile(registration.Username),
                InboxUrl = urls.Inbox(registration.Username),
                SharedInboxUrl = urls.SharedInbox,
                PublicKeyPem = publicKey,
            };
            await store.CreateAsync(Containers.Accounts, accountId, accountId, account, StoreJsonContext.Default.AccountRecord, cancellationToken);
            written.Add((Containers.Accounts, accountId, accountId));
            await IndexHandlesAsync(account, null, cancellationToken);
            await Moderation.AccountIndex.WriteAsync(store, account, user, cancellationToken);
            LogRegistered(logger, account.Username, accountId);
            await stats.AddAsync(users: 1, statuses: 0, CancellationToken.None);
            return (account, user);
        }
        catch
        {
            foreach (var (container, pk, id) in written)
            {
                await store.DeleteAsync(container, pk, id, ifMatch: null, CancellationToken.None);
            }

            throw;
        }
    }

    public async Task<AccountRecord?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        if (!SnowflakeIds.TryParse(accountId, out _))
        {
            return null;
        }

        var doc = await store.ReadAsync(Containers.Accounts, accountId, accountId, StoreJsonContext.Default.AccountRecord, cancellationToken);
        return doc?.Value;
    }

    public async Task<IReadOnlyList<AccountRecord>> GetManyAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        var keys = accountIds.Distinct(StringComparer.Ordinal).Select(id => new DocumentKey(id, id)).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var docs = await store.ReadManyAsync(Containers.Accounts, keys, StoreJsonContext.Default.AccountRecord, cancellationToken);
        return docs.Select(d => d.Value).ToList();
    }

    public async Task<UserRecord?> GetUserAsync(string accountId, CancellationToken cancellationToken)
    {
        var doc = await store.ReadAsync(Containers.Users, accountId, accountId, StoreJsonContext.Default.UserRecord, cancellationToken);
        return doc?.Value;
    }

    /// <summary>Finds a local account by username, case-insensitively.</summary>
    public async Task<AccountRecord?> FindLocalAsync(string username, CancellationToken cancellationToken)
    {
        if (!UsernamePattern().IsMatch(username))
        {
            return null;
        }

        var key = UsernameKey(username);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup is null ? null : await GetAsync(lookup.Value.TargetId, cancellationToken);
    }

    public async Task<AccountRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var key = EmailKey(email);
        var lookup = await store.ReadAsync(Containers.Lookups, key, key, StoreJsonContext.Default.LookupRecord, cancellationToken);
        return lookup is null ? null : await GetAsync(lookup.Value.TargetId, cancellationToken);
    }

    /// <summary>Adds to the account's counters in one atomic patch.</summary>
    public Task IncrementCountersAsync(string accountId, long statuses, DateTimeOffset? lastStatusAt, CancellationToken cancellationToken)
    {
        List<PatchOperation> ops = [PatchOperation.Increment("/statusesCount", statuses)];
        if (lastStatusAt is { } at)
        {
            ops.Add(PatchOperation.Set("/lastStatusAt", System.Text.Json.Nodes.JsonValue.Create(at)));
        }

        return store.PatchAsync(Containers.Accounts, accountId, accountId, ops, ifMatch: null, cancellationToken);
    }

    private async Task<bool> TryReserveAsync(string key, string targetId, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(Containers.Lookups, key, key, new LookupRecord(key, targetId), StoreJsonContext.Default.LookupRecord, cancellationToken);
            return true;
        }
        catch (DocumentConflictException)
        {
            return false;
        }
    }

    private static void Validate(Registration r)
    {
        var details = new Dictionary<string, IReadOnlyList<FieldError>>();
        if (string.IsNullOrWhiteSpace(r.Username) || !UsernamePattern().IsMatch(r.Username))
        {
            details["username"] = [new FieldError("ERR_INVALID", "must contain only letters, numbers and underscores (at most 30)")];
        }
        else if (!r.AllowReserved && ReservedUsernames.Contains(r.Username))
        {
            details["username"] = [new FieldError("ERR_RESERVED", "is reserved")];
        }

        if (string.IsNullOrWhiteSpace(r.Email) || !EmailPattern().IsMatch(r.Email.Trim()))
        {
            details["email"] = [new FieldError("ERR_INVALID", "is invalid")];
        }

        if (r.Password is null || r.Password.Length < MinimumPasswordLength)
        {
            details["password"] = [new FieldError("ERR_TOO_SHORT", $"is too short (minimum is {MinimumPasswordLength} characters)")];
        }
        else if (r.Password.Length > MaximumPasswordLength)
        {
            details["password"] = [new FieldError("ERR_TOO_LONG", $"is too long (maximum is {MaximumPasswordLength} characters)")];
        }

        if (!r.AgreedToTerms)
        {
            details["agreement"] = [new FieldError("ERR_ACCEPTED", "must be accepted")];
        }

        if (details.Count > 0)
        {
            var summary = string.Join(", ", details.Select(d => $"{char.ToUpperInvariant(d.Key[0])}{d.Key[1..]} {d.Value[0].Description}"));
            throw new ValidationFailedException("Validation failed: " + summary, details);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered local account {Username} ({AccountId})")]
    private static partial void LogRegistered(ILogger logger, string username, string accountId);
}
