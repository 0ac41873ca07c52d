namespace Serverless.ActivityPub.Signatures;

/// <summary>Which HTTP signature format a request used.</summary>
public enum SignatureScheme
{
    /// <summary>draft-cavage-http-signatures: <c>Signature:</c> or <c>Authorization: Signature</c>.</summary>
    Cavage,

    /// <summary>RFC 9421 HTTP Message Signatures: <c>Signature-Input</c> and <c>Signature</c>.</summary>
    Rfc9421,
}

/// <summary>
/// A signature that passed every check that needs no key (syntax, algorithm, time window, digests,
/// coverage); <see cref="HttpSignatureVerifier.Verify(ParsedSignature, string)"/> checks it against a key.
/// </summary>
public sealed class ParsedSignature
{
    internal ParsedSignature(SignatureScheme scheme, string keyId, string algorithm, IReadOnlyList<string> covered, DateTimeOffset? created, byte[] signature, IReadOnlyList<string> signingStrings)
    {
        Scheme = scheme;
        KeyId = keyId;
        Algorithm = algorithm;
        CoveredComponents = covered;
        Created = created;
        SignatureBytes = signature;
        SigningStrings = signingStrings;
    }

    public SignatureScheme Scheme { get; }

    /// <summary>The key id exactly as sent (with or without a <c>#fragment</c>); the caller resolves it.</summary>
    public string KeyId { get; }

    /// <summary>The algorithm as sent (<c>rsa-sha256</c>, <c>hs2019</c>, <c>rsa-v1_5-sha256</c>), or empty when none was given.</summary>
    public string Algorithm { get; }

    /// <summary>What the signature covers, lower-case: header names, <c>(request-target)</c>-style pseudo-headers, or RFC 9421 component identifiers.</summary>
    public IReadOnlyList<string> CoveredComponents { get; }

    /// <summary>When the signature claims it was made: <c>created</c>, else the <c>Date</c> header.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>The string the signature is over (the first candidate; see <see cref="SigningStrings"/>).</summary>
    public string SigningString => SigningStrings[0];

    /// <summary>
    /// The strings that are accepted when the signature matches one of them: the one the specification
    /// defines first, then tolerated variants (a draft-cavage <c>(request-target)</c> without the query,
    /// as older Mastodon signs; RFC 9421 parameters in canonical form rather than as received).
    /// </summary>
    public IReadOnlyList<string> SigningStrings { get; }

    internal byte[] SignatureBytes { get; }
}

/// <summary>The outcome of <see cref="HttpSignatureVerifier.Parse"/>: a signature, or why there is none to verify.</summary>
public sealed record SignatureParseResult(ParsedSignature? Signature, string? Failure)
{
    public bool Succeeded => Signature is not null;

    /// <summary>The key id, when the header got far enough to name one (useful in logs even on failure).</summary>
    public string? KeyId { get; init; }

    internal static SignatureParseResult Fail(string failure, string? keyId = null) => new(null, failure) { KeyId = keyId };
}

/// <summary>
/// The outcome of <see cref="HttpSignatureVerifier.VerifyAsync"/>. <see cref="Failure"/> is a short reason
/// fit for logs and a 401 body; <see cref="KeyId"/> is set whenever the request named a key.
/// </summary>
public sealed record SignatureVerificationResult(string? KeyId, bool Verified, string? Failure, SignatureScheme? Scheme)
{
    /// <summary>The signature as parsed, when parsing succeeded.</summary>
    public ParsedSignature? Signature { get; init; }
}

/// <summary>Policy for inbound signatures. The defaults are what Mastodon enforces, with the ±12 hour window.</summary>
public sealed record HttpSignatureVerifierOptions
{
    public static HttpSignatureVerifierOptions Default { get; } = new();

    /// <summary>How far <c>created</c> or <c>Date</c> may be from now, either way.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromHours(12);

    /// <summary>How long after its <c>expires</c> a signature is still accepted (clock skew).</summary>
    public TimeSpan ExpiresLeeway { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A POST (or any request with a body) must carry <c>Digest</c> or <c>Content-Digest</c>, covered by the signature.</summary>
    public bool RequireBodyDigest { get; init; } = true;

    /// <summary>
    /// The signature must cover when it was made (<c>date</c> or <c>created</c>) and what it is for:
    /// draft-cavage <c>(request-target)</c> or <c>digest</c>, plus <c>host</c> on a GET; RFC 9421
    /// <c>@method</c> and one of <c>@target-uri</c>, <c>@request-target</c>, <c>@path</c>.
    /// </summary>
    public bool RequireStrongCoverage { get; init; } = true;
}
