using Microsoft.AspNetCore.Http;
using Serverless.ActivityPub.Resolver;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.ActivityPub;

/// <summary>
/// Signed GETs of ActivityPub documents ("authorized fetch"): who, if anyone, signed the request.
/// The signature is verified as the inboxes verify one (<see cref="HttpSignatureVerifier"/>, the key
/// through <see cref="ActivityPubResolver.ResolveKeyOwnerAsync"/>, refetched once), at most once per
/// request. With <c>AUTHORIZED_FETCH</c> on, objects and collections need a verified signer (401
/// otherwise, as Mastodon's secure mode); without it, a signature still lets the signer see what
/// is addressed to it (a private status it follows, a direct one it is mentioned in).
/// </summary>
/// <remarks>
/// A request signed from a domain the moderators defederated gets 401 in either mode (it can still
/// read public documents unsigned when authorized fetch is off, as from anywhere). What an author's
/// own blocks take away is decided by <see cref="ViewerAsync"/>.
/// </remarks>
public static partial class SignedFetch
{
    private static readonly object ItemKey = new();

    /// <summary>What verification found: the signer's account, or why there is none (<paramref name="Refused"/>: signed from a defederated domain).</summary>
    public sealed record Outcome(AccountRecord? Signer, string? Failure, bool Refused = false);

    /// <summary>Who a GET of an author's documents is for: the signer (or nobody), and whether the author shuts that signer out.</summary>
    public readonly record struct Viewer(AccountRecord? Signer, bool ShutOut);

    /// <summary>
    /// The viewer of a GET of <paramref name="author"/>'s objects or collections, as Mastodon's policies
    /// see it: under <c>AUTHORIZED_FETCH</c> the verified signer (401 without one); otherwise the verified
    /// signer of a signed request, or nobody. A signer the author blocks, or from a domain the author
    /// blocks, is shut out: it sees nothing of the author's, public posts included.
    /// </summary>
    public static async Task<Viewer> ViewerAsync(ApiRequest request, AccountRecord author)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(author);
        var signer = await AuthorizeAsync(request);
        if (signer is null && IsSigned(request.Http.Request))
        {
            var outcome = await VerifyAsync(request);
            signer = outcome.Refused ? throw new ApiException(StatusCodes.Status401Unauthorized, outcome.Failure ?? "Domain not allowed") : outcome.Signer;
        }

        if (signer is null)
        {
            return new Viewer(null, false);
        }

        var shutOut = await request.Service<Core.Follows.FollowService>().GetBlockAsync(author.Id, signer.Id, request.Aborted) is not null
            || (signer.Domain is { } domain && await request.Service<Core.Safety.SafetyService>().BlocksDomainAsync(author.Id, domain, request.Aborted));
        return new Viewer(signer, shutOut);
    }

    /// <summary>
    /// For object and collection GETs: under <c>AUTHORIZED_FETCH</c>, the verified signer or a 401;
    /// otherwise null without looking at any signature (public documents do not depend on who asks).
    /// </summary>
    public static async Task<AccountRecord?> AuthorizeAsync(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Instance.AuthorizedFetch)
        {
            return null;
        }

        var outcome = await VerifyAsync(request);
        return outcome.Signer ?? throw new ApiException(StatusCodes.Status401Unauthorized, outcome.Failure ?? "Request not signed");
    }

    private static bool IsSigned(HttpRequest http) =>
        http.Headers.ContainsKey("Signature") || http.Headers.Authorization.ToString().StartsWith("Signature ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The domain a signature's key id names (<c>host</c> or <c>host:port</c>), before anything is fetched.</summary>
    private static string? KeyDomain(HttpRequest http)
    {
        var header = http.Headers["Signature-Input"].ToString() is { Length: > 0 } input ? input
            : http.Headers["Signature"].ToString() is { Length: > 0 } signature ? signature
            : http.Headers.Authorization.ToString();
        return KeyIdPattern().Match(header) is { Success: true } match
            ? Core.Moderation.DomainNames.Normalize(match.Groups[1].Value)
            : null;
    }

    /// <summary>The verified signer, or null when the request is unsigned or its signature does not verify.</summary>
    public static async Task<AccountRecord?> SignerAsync(ApiRequest request) => (await VerifyAsync(request)).Signer;

    /// <summary>Verifies the request's signature once; later calls in the same request reuse the outcome.</summary>
    public static async Task<Outcome> VerifyAsync(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = request.Http.Items;
        if (items.TryGetValue(ItemKey, out var cached) && cached is Outcome known)
        {
            return known;
        }

        var outcome = await VerifyUncachedAsync(request);
        items[ItemKey] = outcome;
        return outcome;
    }

    /// <summary>Whether the response was chosen for a verified signer (so shared caches must not keep it), as Mastodon marks it private.</summary>
    public static bool DependsOnSigner(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Http.Items.TryGetValue(ItemKey, out var cached) && cached is Outcome { Signer: not null };
    }

    private static async Task<Outcome> VerifyUncachedAsync(ApiRequest request)
    {
        var http = request.Http.Request;
        if (!IsSigned(http))
        {
            return new Outcome(null, "Request not signed");
        }

        // A defederated domain is answered before its key is looked up (or fetched).
        if (KeyDomain(http) is { } keyDomain && (await request.Service<Core.Moderation.DomainBlockService>().PolicyAsync(keyDomain, request.Aborted)).Refused)
        {
            return new Outcome(null, "Domain not allowed", Refused: true);
        }

        var resolver = request.Service<ActivityPubResolver>();
        AccountRecord? signer = null;
        var result = await HttpSignatureVerifier.Default.VerifyAsync(
            SignedRequest.FromHttpRequest(http, ReadOnlyMemory<byte>.Empty),
            async (keyId, refresh, ct) =>
            {
                signer = await resolver.ResolveKeyOwnerAsync(keyId, refresh, ct);
                return signer?.PublicKeyPem;
            },
            request.Service<TimeProvider>().GetUtcNow(),
            request.Aborted);

        // Our own accounts never sign requests to us: a local key id is not a remote signer.
        return result.Verified && signer is { IsLocal: false }
            ? new Outcome(signer, null)
            : new Outcome(null, result.Failure ?? "Signature could not be verified");
    }

    [System.Text.RegularExpressions.GeneratedRegex("keyid=\"([^\"]+)\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex KeyIdPattern();
}
