using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.ActivityPub.Signatures;

/// <summary>
/// Verifies inbound HTTP signatures in both formats the fediverse uses: draft-cavage
/// (<c>rsa-sha256</c>, and <c>hs2019</c> read as RSASSA-PKCS1-v1_5 with SHA-256 as Mastodon does) and
/// RFC 9421 (<c>rsa-v1_5-sha256</c>, or no <c>alg</c> with an RSA key). Two levels:
/// <see cref="Parse"/> does every check that needs no key and names the key;
/// <see cref="Verify(ParsedSignature, string)"/> checks the signature against a PEM public key.
/// <see cref="VerifyAsync"/> does both, refetching the key once when it fails (keys rotate).
/// Key ids are opaque strings here: resolving one to an actor and checking that the actor is the
/// activity's is the caller's job.
/// </summary>
public sealed class HttpSignatureVerifier(HttpSignatureVerifierOptions? options = null)
{
    private static readonly string[] HttpDateFormats =
    [
        "r",
        "ddd, d MMM yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy",
    ];

    public static HttpSignatureVerifier Default { get; } = new();

    public HttpSignatureVerifierOptions Options { get; } = options ?? HttpSignatureVerifierOptions.Default;

    /// <summary>
    /// Reads the request's signature and checks everything but the key: syntax, algorithm, time
    /// window, digests against the body, and what the signature covers. RFC 9421 is used when
    /// <c>Signature-Input</c> is present, else draft-cavage from <c>Signature</c> or <c>Authorization: Signature</c>.
    /// </summary>
    public SignatureParseResult Parse(SignedRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signatureInput = request.Header("Signature-Input");
        if (!string.IsNullOrWhiteSpace(signatureInput))
        {
            return ParseRfc9421(request, signatureInput, now);
        }

        var signature = request.Header("Signature");
        if (string.IsNullOrWhiteSpace(signature)
            && request.Header("Authorization") is { } authorization
            && authorization.StartsWith("Signature ", StringComparison.OrdinalIgnoreCase))
        {
            signature = authorization["Signature ".Length..];
        }

        return string.IsNullOrWhiteSpace(signature)
            ? SignatureParseResult.Fail("Request not signed")
            : ParseCavage(request, signature, now);
    }

    /// <summary>Whether <paramref name="signature"/> was made with the RSA key in <paramref name="publicKeyPem"/>.</summary>
    public static bool Verify(ParsedSignature signature, string publicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (string.IsNullOrWhiteSpace(publicKeyPem))
        {
            return false;
        }

        RsaLease lease;
        try
        {
            lease = RsaKeyPool.RentPublic(publicKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }

        using (lease)
        {
            foreach (var signingString in signature.SigningStrings)
            {
                try
                {
                    if (lease.Key.VerifyData(Encoding.UTF8.GetBytes(signingString), signature.SignatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                    {
                        return true;
                    }
                }
                catch (CryptographicException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Parses and verifies. <paramref name="publicKeyPem"/> is called with the key id and
    /// <c>forceRefresh: false</c> (a cached key is fine); when that key does not verify, it is called
    /// once more with <c>forceRefresh: true</c> and the fresh key is tried. It returns null when the key
    /// cannot be found; its exceptions propagate.
    /// </summary>
    public async Task<SignatureVerificationResult> VerifyAsync(
        SignedRequest request,
        Func<string, bool, CancellationToken, Task<string?>> publicKeyPem,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPem);
        var parsed = Parse(request, now);
        if (parsed.Signature is not { } signature)
        {
            return new SignatureVerificationResult(parsed.KeyId, false, parsed.Failure, null);
        }

        var keyId = signature.KeyId;
        var pem = await publicKeyPem(keyId, false, cancellationToken);
        if (pem is null)
        {
            return new SignatureVerificationResult(keyId, false, $"Public key not found for key {keyId}", signature.Scheme) { Signature = signature };
        }

        if (Verify(signature, pem))
        {
            return new SignatureVerificationResult(keyId, true, null, signature.Scheme) { Signature = signature };
        }

        var refreshed = await publicKeyPem(keyId, true, cancellationToken);
        if (refreshed is not null && !string.Equals(refreshed, pem, StringComparison.Ordinal) && Verify(signature, refreshed))
        {
            return new SignatureVerificationResult(keyId, true, null, signature.Scheme) { Signature = signature };
        }

        return new SignatureVerificationResult(keyId, false, $"Verification failed for key {keyId}", signature.Scheme) { Signature = signature };
    }

    private SignatureParseResult ParseCavage(SignedRequest request, string header, DateTimeOffset now)
    {
        var parameters = ParseCavageParameters(header);
        if (parameters is null)
        {
            return SignatureParseResult.Fail("Error parsing signature parameters");
        }

        parameters.TryGetValue("keyId", out var keyId);
        if (string.IsNullOrEmpty(keyId) || !parameters.TryGetValue("signature", out var encoded) || string.IsNullOrEmpty(encoded))
        {
            return SignatureParseResult.Fail("Incompatible request signature: keyId and signature are required", keyId);
        }

        // hs2019 says "derive the algorithm from the key": with an RSA key, that is PKCS#1 v1.5 over SHA-256.
        var algorithm = parameters.TryGetValue("algorithm", out var given) ? given.ToLowerInvariant() : "hs2019";
        if (algorithm is not ("rsa-sha256" or "hs2019"))
        {
            return SignatureParseResult.Fail($"Unsupported signature algorithm {algorithm} (rsa-sha256 and hs2019 are supported)", keyId);
        }

        parameters.TryGetValue("created", out var createdText);
        parameters.TryGetValue("expires", out var expiresText);
        var headersText = parameters.TryGetValue("headers", out var listed)
            ? listed
            : algorithm == "hs2019" && createdText is not null ? "(created)" : "date";
        var covered = headersText.ToLowerInvariant().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (covered.Length == 0)
        {
            return SignatureParseResult.Fail("The signature covers no headers", keyId);
        }

        DateTimeOffset? created = null;
        if (createdText is not null)
        {
            if (ParseUnixTime(createdText) is not { } parsedCreated)
            {
                return SignatureParseResult.Fail("Invalid created parameter", keyId);
            }

            created = parsedCreated;
        }

        DateTimeOffset? expires = null;
        if (expiresText is not null)
        {
            if (ParseUnixTime(expiresText) is not { } parsedExpires)
            {
                return SignatureParseResult.Fail("Invalid expires parameter", keyId);
            }

            expires = parsedExpires;
        }

        var (time, timeFailure) = SignedTime(request, created);
        if (timeFailure is not null)
        {
            return SignatureParseResult.Fail(timeFailure, keyId);
        }

        if (CheckWindow(time, expires, now) is { } windowFailure)
        {
            return SignatureParseResult.Fail(windowFailure, keyId);
        }

        if (Options.RequireStrongCoverage)
        {
            if (!covered.Contains("date") && !covered.Contains("(created)"))
            {
                return SignatureParseResult.Fail("The Date header or (created) pseudo-header must be signed", keyId);
            }

            if (!covered.Contains("(request-target)") && !covered.Contains("digest"))
            {
                return SignatureParseResult.Fail("The Digest header or (request-target) pseudo-header must be signed", keyId);
            }

            if (IsMethod(request, "GET") && !covered.Contains("host"))
            {
                return SignatureParseResult.Fail("The Host header must be signed on a GET", keyId);
            }
        }

        if (CheckDigests(request, covered) is { } digestFailure)
        {
            return SignatureParseResult.Fail(digestFailure, keyId);
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return SignatureParseResult.Fail("The signature is not valid base64", keyId);
        }

        var full = new StringBuilder();
        var pathOnly = new StringBuilder();
        var queryIndex = request.Target.IndexOf('?', StringComparison.Ordinal);
        foreach (var name in covered)
        {
            if (full.Length > 0)
            {
                full.Append('\n');
                pathOnly.Append('\n');
            }

            string value;
            switch (name)
            {
                case "(request-target)":
                    var method = request.Method.ToLowerInvariant();
                    full.Append("(request-target): ").Append(method).Append(' ').Append(request.Target);
                    pathOnly.Append("(request-target): ").Append(method).Append(' ').Append(queryIndex < 0 ? request.Target : request.Target[..queryIndex]);
                    continue;
                case "(created)" or "(expires)":
                    if (algorithm != "hs2019")
                    {
                        return SignatureParseResult.Fail($"The {name} pseudo-header is not allowed with {algorithm}", keyId);
                    }

                    var raw = name == "(created)" ? createdText : expiresText;
                    if (raw is null)
                    {
                        return SignatureParseResult.Fail($"The {name} pseudo-header is signed but its parameter is missing", keyId);
                    }

                    value = raw;
                    break;
                default:
                    var headerValue = name == "host" ? request.Header("Host") ?? request.Authority : request.Header(name);
                    if (headerValue is null)
                    {
                        return SignatureParseResult.Fail($"The signed header {name} is missing", keyId);
                    }

                    value = headerValue.Trim();
                    break;
            }

            full.Append(name).Append(": ").Append(value);
            pathOnly.Append(name).Append(": ").Append(value);
        }

        var fullString = full.ToString();
        var pathOnlyString = pathOnly.ToString();
        IReadOnlyList<string> signingStrings = pathOnlyString == fullString ? [fullString] : [fullString, pathOnlyString];
        return new SignatureParseResult(new ParsedSignature(SignatureScheme.Cavage, keyId, given ?? string.Empty, covered, time, signature, signingStrings), null) { KeyId = keyId };
    }

    private SignatureParseResult ParseRfc9421(SignedRequest request, string inputHeader, DateTimeOffset now)
    {
        var inputs = StructuredFields.ParseDictionary(inputHeader);
        if (inputs is null)
        {
            return SignatureParseResult.Fail("Signature-Input header is malformed");
        }

        var signatures = StructuredFields.ParseDictionary(request.Header("Signature") ?? string.Empty);
        if (signatures is null)
        {
            return SignatureParseResult.Fail("Signature header is malformed");
        }

        // Several signatures may be present (a proxy's beside the author's): take the first we can check.
        SfMember? input = null;
        byte[]? signature = null;
        string? keyId = null;
        var failure = "No signature in Signature-Input";
        foreach (var candidate in inputs)
        {
            if (candidate.InnerList is null)
            {
                failure = "Signature-Input member is not an inner list";
                continue;
            }

            if (signatures.Find(s => s.Key == candidate.Key)?.Item?.Value is not byte[] bytes)
            {
                failure = $"No Signature for label {candidate.Key}";
                continue;
            }

            if (candidate.Parameter("keyid") is not string candidateKeyId || candidateKeyId.Length == 0)
            {
                failure = "Incompatible request signature: keyid is required";
                continue;
            }

            if (candidate.Parameter("alg") is { } alg && !(alg is string algName && algName == "rsa-v1_5-sha256"))
            {
                failure = $"Unsupported signature algorithm {(alg as string) ?? alg.ToString()} (rsa-v1_5-sha256 is supported)";
                keyId ??= candidateKeyId;
                continue;
            }

            input = candidate;
            signature = bytes;
            keyId = candidateKeyId;
            break;
        }

        if (input?.InnerList is not { } components || signature is null || keyId is null)
        {
            return SignatureParseResult.Fail(failure, keyId);
        }

        DateTimeOffset? created = null;
        if (input.Parameter("created") is { } createdValue)
        {
            if (createdValue is not long createdSeconds || ToTime(createdSeconds) is not { } createdTime)
            {
                return SignatureParseResult.Fail("Invalid created parameter", keyId);
            }

            created = createdTime;
        }

        DateTimeOffset? expires = null;
        if (input.Parameter("expires") is { } expiresValue)
        {
            if (expiresValue is not long expiresSeconds || ToTime(expiresSeconds) is not { } expiresTime)
            {
                return SignatureParseResult.Fail("Invalid expires parameter", keyId);
            }

            expires = expiresTime;
        }

        var covered = new List<string>(components.Count);
        foreach (var component in components)
        {
            if (component.Value is not string name)
            {
                return SignatureParseResult.Fail("Signature-Input component is not a string", keyId);
            }

            if (component.Parameters.Count > 0)
            {
                return SignatureParseResult.Fail($"Unsupported parameters on component {name}", keyId);
            }

            var lower = name.ToLowerInvariant();
            if (covered.Contains(lower))
            {
                return SignatureParseResult.Fail($"Component {name} is covered twice", keyId);
            }

            covered.Add(lower);
        }

        var (time, timeFailure) = SignedTime(request, created);
        if (timeFailure is not null)
        {
            return SignatureParseResult.Fail(timeFailure, keyId);
        }

        if (CheckWindow(time, expires, now) is { } windowFailure)
        {
            return SignatureParseResult.Fail(windowFailure, keyId);
        }

        if (Options.RequireStrongCoverage)
        {
            if (created is null && !covered.Contains("date"))
            {
                return SignatureParseResult.Fail("The created parameter or the Date header must be signed", keyId);
            }

            if (!covered.Contains("@method") || !(covered.Contains("@target-uri") || covered.Contains("@request-target") || covered.Contains("@path")))
            {
                return SignatureParseResult.Fail("The @method and @target-uri components must be signed", keyId);
            }
        }

        if (CheckDigests(request, covered) is { } digestFailure)
        {
            return SignatureParseResult.Fail(digestFailure, keyId);
        }

        var lines = new StringBuilder();
        for (var i = 0; i < components.Count; i++)
        {
            var value = ComponentValue(request, covered[i]);
            if (value is null)
            {
                return SignatureParseResult.Fail(
                    covered[i].StartsWith('@') ? $"Unsupported derived component {covered[i]}" : $"The signed header {covered[i]} is missing",
                    keyId);
            }

            lines.Append(StructuredFields.SerializeItem(components[i])).Append(": ").Append(value).Append('\n');
        }

        // The parameters line is the member as received; a canonical re-serialisation is tried too,
        // for signers that normalise and intermediaries that reformat whitespace.
        var received = lines + "\"@signature-params\": " + input.RawValue;
        var canonical = lines + "\"@signature-params\": " + StructuredFields.SerializeInnerList(components, input.Parameters);
        IReadOnlyList<string> signingStrings = received == canonical ? [received] : [received, canonical];
        var algorithm = input.Parameter("alg") as string ?? string.Empty;
        return new SignatureParseResult(new ParsedSignature(SignatureScheme.Rfc9421, keyId, algorithm, covered, time, signature, signingStrings), null) { KeyId = keyId };
    }

    private static string? ComponentValue(SignedRequest request, string name)
    {
        var queryIndex = request.Target.IndexOf('?', StringComparison.Ordinal);
        var path = queryIndex < 0 ? request.Target : request.Target[..queryIndex];
        return name switch
        {
            "@method" => request.Method,
            "@authority" => NormalizeAuthority(request),
            "@scheme" => request.Scheme.ToLowerInvariant(),
            "@target-uri" => request.Scheme.ToLowerInvariant() + "://" + NormalizeAuthority(request) + request.Target,
            "@request-target" => request.Target,
            "@path" => path.Length == 0 ? "/" : path,
            "@query" => queryIndex < 0 ? "?" : request.Target[queryIndex..],
            "host" => (request.Header("Host") ?? request.Authority).Trim(),
            _ when name.StartsWith('@') => null,
            _ => request.Header(name)?.Trim(),
        };
    }

    /// <summary>RFC 9421 §2.2.3: the authority in lower case, without the scheme's default port.</summary>
    private static string NormalizeAuthority(SignedRequest request)
    {
        var authority = request.Authority.ToLowerInvariant();
        var scheme = request.Scheme.ToLowerInvariant();
        if ((scheme == "https" && authority.EndsWith(":443", StringComparison.Ordinal))
            || (scheme == "http" && authority.EndsWith(":80", StringComparison.Ordinal)))
        {
            return authority[..authority.LastIndexOf(':')];
        }

        return authority;
    }

    /// <summary>When the request says it was signed: <c>created</c>, else the <c>Date</c> header.</summary>
    private static (DateTimeOffset? Time, string? Failure) SignedTime(SignedRequest request, DateTimeOffset? created)
    {
        if (created is not null)
        {
            return (created, null);
        }

        var date = request.Header("Date");
        if (string.IsNullOrWhiteSpace(date))
        {
            return (null, "Request has no Date header and its signature no created time");
        }

        return ParseHttpDate(date) is { } parsed ? (parsed, null) : (null, "Invalid Date header");
    }

    private string? CheckWindow(DateTimeOffset? time, DateTimeOffset? expires, DateTimeOffset now)
    {
        if (time is { } signedAt && (signedAt - now).Duration() > Options.MaxClockSkew)
        {
            return "Signed request date outside acceptable time window";
        }

        if (expires is { } expiry && now > expiry + Options.ExpiresLeeway)
        {
            return "Signature expired";
        }

        return null;
    }

    private string? CheckDigests(SignedRequest request, IReadOnlyCollection<string> covered)
    {
        var digest = request.Header("Digest");
        var contentDigest = request.Header("Content-Digest");
        if (digest is not null && BodyDigest.CheckDigest(digest, request.Body.Span) is { } digestFailure)
        {
            return digestFailure;
        }

        if (contentDigest is not null && BodyDigest.CheckContentDigest(contentDigest, request.Body.Span) is { } contentDigestFailure)
        {
            return contentDigestFailure;
        }

        var needsDigest = !request.Body.IsEmpty || IsMethod(request, "POST") || IsMethod(request, "PUT") || IsMethod(request, "PATCH");
        if (Options.RequireBodyDigest && needsDigest
            && !(digest is not null && covered.Contains("digest"))
            && !(contentDigest is not null && covered.Contains("content-digest")))
        {
            return "A request with a body must carry a Digest or Content-Digest header covered by the signature";
        }

        return null;
    }

    private static bool IsMethod(SignedRequest request, string method) => string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase);

    internal static DateTimeOffset? ParseHttpDate(string value)
    {
        var trimmed = value.Trim();
        if (DateTimeOffset.TryParseExact(trimmed, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var parsed))
        {
            return parsed;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed) ? parsed : null;
    }

    private static DateTimeOffset? ParseUnixTime(string value) =>
        decimal.TryParse(value.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799m
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;

    private static DateTimeOffset? ToTime(long seconds) =>
        seconds is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>
    /// draft-cavage parameters: <c>name="quoted value"</c> or <c>name=token</c> (the numbers of
    /// <c>created</c> and <c>expires</c>), separated by commas. Names match case-insensitively; the first wins.
    /// </summary>
    internal static Dictionary<string, string>? ParseCavageParameters(string value)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (true)
        {
            while (i < value.Length && (value[i] is ',' || char.IsWhiteSpace(value[i])))
            {
                i++;
            }

            if (i >= value.Length)
            {
                return result;
            }

            var equals = value.IndexOf('=', i);
            if (equals < 0)
            {
                return null;
            }

            var name = value[i..equals].Trim();
            if (name.Length == 0 || name.Contains(',', StringComparison.Ordinal))
            {
                return null;
            }

            i = equals + 1;
            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }

            string parameter;
            if (i < value.Length && value[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                var closed = false;
                while (i < value.Length)
                {
                    var c = value[i++];
                    if (c == '\\' && i < value.Length)
                    {
                        builder.Append(value[i++]);
                    }
                    else if (c == '"')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        builder.Append(c);
                    }
                }

                if (!closed)
                {
                    return null;
                }

                parameter = builder.ToString();
            }
            else
            {
                var end = value.IndexOf(',', i);
                if (end < 0)
                {
                    end = value.Length;
                }

                parameter = value[i..end].Trim();
                i = end;
            }

            result.TryAdd(name, parameter);
        }
    }
}
