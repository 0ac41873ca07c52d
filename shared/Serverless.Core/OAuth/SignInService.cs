using Microsoft.Extensions.Logging;
using Serverless.Core.Accounts;
using Serverless.Core.Security;
using Serverless.Core.Storage;

namespace Serverless.Core.OAuth;

/// <summary>What became of a sign-in attempt.</summary>
public enum SignInOutcome
{
    SignedIn,
    InvalidCredentials,
    Throttled,
}

/// <summary>The result of <see cref="SignInService.SignInAsync"/>; account and user are set when signed in.</summary>
public sealed record SignInResult(SignInOutcome Outcome, AccountRecord? Account = null, UserRecord? User = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Sign-in on the authorization page: checks a login (email or username) and password under the
/// brute-force throttle, and keeps browser sessions, stored only as hashes of the cookie.
/// </summary>
public sealed partial class SignInService(
    IDocumentStore store,
    AccountService accounts,
    SignInThrottle throttle,
    TimeProvider time,
    ILogger<SignInService> logger)
{
    /// <summary>How long the authorization page remembers a sign-in.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    // Compared against when the login matches no account, so that both cases cost the same time.
    private static readonly Lazy<string> DecoyHash = new(() => PasswordHasher.Hash(Secrets.NewToken()));

    /// <summary>
    /// Checks the credentials. Refused without looking at the password while the account's or
    /// the address's failure counter is over its limit; the answer never tells whether the account exists.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string? login, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        login = (login ?? "").Trim();
        password ??= "";
        var account = await FindAsync(login, cancellationToken);
        var accountKey = SignInThrottle.AccountKey(account?.Id, login);
        var addressKey = SignInThrottle.AddressKey(clientAddress);
        if (await throttle.RetryAfterAsync(accountKey, addressKey, cancellationToken) is { } wait)
        {
            LogThrottled(logger, account?.Id);
            return new SignInResult(SignInOutcome.Throttled, RetryAfter: wait);
        }

        var user = account is null ? null : await accounts.GetUserAsync(account.Id, cancellationToken);
        // A login that moderators suspended or disabled cannot sign in (the same answer as a wrong password).
        var valid = PasswordHasher.Verify(password, user?.PasswordHash ?? DecoyHash.Value) && user is not null && !user.Disabled && account!.SuspendedAt is null;
        if (!valid)
        {
            await throttle.RecordFailureAsync(accountKey, addressKey, cancellationToken);
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        return new SignInResult(SignInOutcome.SignedIn, account, user);
    }

    /// <summary>Starts a session and returns its cookie value, once; only its hash is stored.</summary>
    public async Task<string> StartSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var token = Secrets.NewToken();
        var key = SignInSessionRecord.Key(Secrets.Hash(token));
        var now = time.GetUtcNow();
        var record = new SignInSessionRecord { Id = key, AccountId = accountId, CreatedAt = now, ExpiresAt = now + SessionLifetime };
        await store.CreateAsync(Containers.OAuth, key, key, record, OAuthStoreJsonContext.Default.SignInSessionRecord, cancellationToken);
        return token;
    }

    /// <summary>The session behind a cookie; null when unknown or expired.</summary>
    public async Task<SignInSessionRecord?> FindSessionAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        var key = SignInSessionRecord.Key(Secrets.Hash(token));
        var doc = await store.ReadAsync(Containers.OAuth, key, key, OAuthStoreJsonContext.Default.SignInSessionRecord, cancellationToken);
        return doc?.Value is { } session && session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    public async Task EndSessionAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return;
        }

        var key = SignInSessionRecord.Key(Secrets.Hash(token));
        await store.DeleteAsync(Containers.OAuth, key, key, ifMatch: null, cancellationToken);
    }

    /// <summary>A login is an email address or a local username (a leading <c>@</c> is allowed).</summary>
    private async Task<AccountRecord?> FindAsync(string login, CancellationToken cancellationToken)
    {
        if (login.Length is 0 or > 320)
        {
            return null;
        }

        var account = login.Contains('@', StringComparison.Ordinal) && !login.StartsWith('@')
            ? await accounts.FindByEmailAsync(login, cancellationToken)
            : await accounts.FindLocalAsync(login.TrimStart('@'), cancellationToken);
        return account is { IsLocal: true } ? account : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused by the brute-force throttle (account {AccountId})")]
    private static partial void LogThrottled(ILogger logger, string? accountId);
}
