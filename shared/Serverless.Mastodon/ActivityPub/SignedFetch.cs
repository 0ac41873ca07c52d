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
/// <remarks>TODO(domain blocks, issue #6): a signer from a blocked domain should get nothing (401/404) once the domain-block store exists.</remarks>
public static class SignedFetch
{
    private static readonly object ItemKey = new();

    /// <summary>What verification found: the signer's account, or why there is none.</summary>
    public sealed record Outcome(AccountRecord? Signer, string? Failure);

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
        if (!http.Headers.ContainsKey("Signature") && !http.Headers.Authorization.ToString().StartsWith("Signature ", StringComparison.OrdinalIgnoreCase))
        {
            return new Outcome(null, "Request not signed");
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
}
