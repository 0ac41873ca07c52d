using System.Net.Http.Headers;
using System.Text;
using Serverless.ActivityPub.Signatures;
using static Serverless.Tests.ActivityPub.Signatures.SignatureTestKeys;

namespace Serverless.Tests.ActivityPub.Signatures;

public sealed class CavageSignatureTests
{
    private const string Activity = """{"@context":"https://www.w3.org/ns/activitystreams","type":"Follow","actor":"https://remote.example/users/alice","object":"https://local.example/users/bob"}""";

    private static HttpRequestMessage SignedPost(string body = Activity, string url = "https://local.example/users/bob/inbox", DateTimeOffset? at = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/activity+json"),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/activity+json");
        HttpSignatureSigner.Sign(message, Encoding.UTF8.GetBytes(body), AliceKeyId, AlicePrivatePem, at ?? Now);
        return message;
    }

    private static SignedRequest Received(HttpRequestMessage message, string? body = null, Action<Dictionary<string, string>>? change = null, string? target = null)
    {
        var request = SignedRequest.FromHttpRequestMessage(message, Encoding.UTF8.GetBytes(body ?? (message.Content is null ? string.Empty : Activity)));
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        change?.Invoke(headers);
        return request with { Headers = headers, Target = target ?? request.Target };
    }

    private static Task<string?> Key(string pem) => Task.FromResult<string?>(pem);

    [Fact]
    public async Task A_signed_post_carries_mastodons_headers_and_verifies()
    {
        using var message = SignedPost();
        Assert.Equal("local.example", message.Headers.Host);
        Assert.Equal(HttpDate(Now), message.Headers.GetValues("Date").Single());
        Assert.Equal("SHA-256=" + Sha256Base64(Activity), message.Headers.GetValues("Digest").Single());
        var signature = message.Headers.GetValues("Signature").Single();
        Assert.StartsWith($"keyId=\"{AliceKeyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"", signature, StringComparison.Ordinal);

        var request = Received(message);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now.AddMinutes(3));
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(SignatureScheme.Cavage, parsed.Signature!.Scheme);
        Assert.Equal(AliceKeyId, parsed.Signature.KeyId);
        Assert.Equal(["(request-target)", "host", "date", "digest", "content-type"], parsed.Signature.CoveredComponents);
        Assert.Equal(
            $"(request-target): post /users/bob/inbox\nhost: local.example\ndate: {HttpDate(Now)}\ndigest: SHA-256={Sha256Base64(Activity)}\ncontent-type: application/activity+json",
            parsed.Signature.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature, MalloryPublicPem));

        var result = await HttpSignatureVerifier.Default.VerifyAsync(request, (_, _, _) => Key(AlicePublicPem), Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal(AliceKeyId, result.KeyId);
        Assert.Equal(SignatureScheme.Cavage, result.Scheme);
        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task A_signed_get_covers_host_date_and_accept_and_has_no_digest()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://remote.example:8443/users/alice?page=true");
        message.Headers.Accept.ParseAdd("application/activity+json");
        message.Headers.Accept.ParseAdd("application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"");
        HttpSignatureSigner.Sign(message, ReadOnlySpan<byte>.Empty, "https://local.example/actor#main-key", AlicePrivatePem, Now);

        Assert.False(message.Headers.Contains("Digest"));
        Assert.Equal("remote.example:8443", message.Headers.Host);
        var request = SignedRequest.FromHttpRequestMessage(message, ReadOnlyMemory<byte>.Empty);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(["(request-target)", "host", "date", "accept"], parsed.Signature!.CoveredComponents);
        Assert.StartsWith("(request-target): get /users/alice?page=true\nhost: remote.example:8443\n", parsed.Signature.SigningString, StringComparison.Ordinal);

        var result = await HttpSignatureVerifier.Default.VerifyAsync(request, (_, _, _) => Key(AlicePublicPem), Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal("https://local.example/actor#main-key", result.KeyId);
    }

    [Fact]
    public void Signing_again_replaces_the_earlier_signature_headers()
    {
        using var message = SignedPost();
        HttpSignatureSigner.Sign(message, Encoding.UTF8.GetBytes(Activity), AliceKeyId, AlicePrivatePem, Now.AddMinutes(5));
        Assert.Single(message.Headers.GetValues("Signature"));
        Assert.Equal(HttpDate(Now.AddMinutes(5)), message.Headers.GetValues("Date").Single());
        Assert.Single(message.Headers.GetValues("Digest"));
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message), Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void A_tampered_body_fails_the_digest_check()
    {
        using var message = SignedPost();
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message, body: Activity.Replace("Follow", "Block", StringComparison.Ordinal)), Now);
        Assert.False(parsed.Succeeded);
        Assert.Equal("Digest does not match the body", parsed.Failure);
        Assert.Equal(AliceKeyId, parsed.KeyId);
    }

    [Fact]
    public void A_digest_rewritten_to_match_a_tampered_body_fails_the_signature()
    {
        using var message = SignedPost();
        var forged = Activity.Replace("Follow", "Block", StringComparison.Ordinal);
        var request = Received(message, body: forged, change: h => h["Digest"] = "SHA-256=" + Sha256Base64(forged));
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void A_tampered_signed_header_fails()
    {
        using var message = SignedPost();
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Content-Type"] = "text/plain"), Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void A_tampered_date_fails()
    {
        using var message = SignedPost();
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Date"] = HttpDate(Now.AddSeconds(1))), Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void A_tampered_target_or_host_fails()
    {
        using var message = SignedPost();
        var otherInbox = HttpSignatureVerifier.Default.Parse(Received(message, target: "/users/carol/inbox"), Now);
        Assert.True(otherInbox.Succeeded, otherInbox.Failure);
        Assert.False(HttpSignatureVerifier.Verify(otherInbox.Signature!, AlicePublicPem));

        var otherHost = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Host"] = "other.example"), Now);
        Assert.True(otherHost.Succeeded, otherHost.Failure);
        Assert.False(HttpSignatureVerifier.Verify(otherHost.Signature!, AlicePublicPem));
    }

    [Fact]
    public void A_date_more_than_twelve_hours_away_is_rejected_either_way()
    {
        using var old = SignedPost(at: Now.AddHours(-13));
        var parsed = HttpSignatureVerifier.Default.Parse(Received(old), Now);
        Assert.False(parsed.Succeeded);
        Assert.Equal("Signed request date outside acceptable time window", parsed.Failure);

        using var future = SignedPost(at: Now.AddHours(13));
        Assert.False(HttpSignatureVerifier.Default.Parse(Received(future), Now).Succeeded);

        using var recent = SignedPost(at: Now.AddHours(-11));
        Assert.True(HttpSignatureVerifier.Default.Parse(Received(recent), Now).Succeeded);
    }

    [Fact]
    public void An_unparsable_or_missing_date_is_rejected()
    {
        using var message = SignedPost();
        var garbled = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Date"] = "yesterday-ish"), Now);
        Assert.Equal("Invalid Date header", garbled.Failure);

        var missing = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h.Remove("Date")), Now);
        Assert.False(missing.Succeeded);
        Assert.Equal("Request has no Date header and its signature no created time", missing.Failure);
    }

    [Fact]
    public async Task The_authorization_header_form_verifies()
    {
        using var message = SignedPost();
        var request = Received(message, change: h =>
        {
            h["Authorization"] = "Signature " + h["Signature"];
            h.Remove("Signature");
        });
        var result = await HttpSignatureVerifier.Default.VerifyAsync(request, (_, _, _) => Key(AlicePublicPem), Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal(SignatureScheme.Cavage, result.Scheme);
    }

    [Fact]
    public void An_unsigned_request_or_another_authorization_scheme_is_not_signed()
    {
        var unsigned = Request("POST", "/inbox", [new("Date", HttpDate(Now))], Activity);
        Assert.Equal("Request not signed", HttpSignatureVerifier.Default.Parse(unsigned, Now).Failure);

        var bearer = Request("GET", "/users/bob", [new("Authorization", "Bearer abc"), new("Date", HttpDate(Now))]);
        Assert.Equal("Request not signed", HttpSignatureVerifier.Default.Parse(bearer, Now).Failure);
    }

    /// <summary>A GoToSocial-style request: <c>hs2019</c>, and a key id that is the actor URL without a fragment.</summary>
    [Fact]
    public async Task Hs2019_with_a_key_id_without_fragment_verifies_as_rsa_sha256()
    {
        const string keyId = "https://gts.example/users/alice/main-key";
        var date = HttpDate(Now);
        var digest = "SHA-256=" + Sha256Base64(Activity);
        var text = $"(request-target): post /inbox\nhost: local.example\ndate: {date}\ndigest: {digest}";
        var signature = SignText(AlicePrivatePem, text);
        var request = Request("POST", "/inbox",
        [
            new("Host", "local.example"),
            new("Date", date),
            new("Digest", digest),
            new("Signature", $"keyId=\"{keyId}\",algorithm=\"hs2019\",headers=\"(request-target) host date digest\",signature=\"{signature}\""),
        ], Activity);

        string? askedFor = null;
        var result = await HttpSignatureVerifier.Default.VerifyAsync(request, (id, _, _) =>
        {
            askedFor = id;
            return Key(AlicePublicPem);
        }, Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal(keyId, result.KeyId);
        Assert.Equal(keyId, askedFor);
        Assert.Equal("hs2019", result.Signature!.Algorithm);
    }

    [Fact]
    public void Hs2019_with_created_and_expires_pseudo_headers_needs_no_date_header()
    {
        var created = Now.AddMinutes(-1).ToUnixTimeSeconds();
        var expires = Now.AddMinutes(4).ToUnixTimeSeconds();
        var digest = "SHA-256=" + Sha256Base64(Activity);
        var text = $"(request-target): post /inbox\n(created): {created}\n(expires): {expires}\nhost: local.example\ndigest: {digest}";
        var signature = SignText(AlicePrivatePem, text);
        var request = Request("POST", "/inbox",
        [
            new("Host", "local.example"),
            new("Digest", digest),
            new("Signature", $"keyId=\"{AliceKeyId}\", algorithm=\"hs2019\", created={created}, expires={expires}, headers=\"(request-target) (created) (expires) host digest\", signature=\"{signature}\""),
        ], Activity);

        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(text, parsed.Signature!.SigningString);
        Assert.Equal(Now.AddMinutes(-1).ToUnixTimeSeconds(), parsed.Signature.Created!.Value.ToUnixTimeSeconds());
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));

        // Long after it expired (beyond the hour of leeway), the same signature is refused.
        var late = HttpSignatureVerifier.Default.Parse(request, Now.AddHours(2));
        Assert.Equal("Signature expired", late.Failure);
    }

    [Fact]
    public void No_algorithm_means_hs2019_and_no_headers_list_means_date()
    {
        var date = HttpDate(Now);
        var signature = SignText(AlicePrivatePem, "date: " + date);
        var request = Request("GET", "/users/bob", [new("Date", date), new("Signature", $"keyId=\"{AliceKeyId}\",signature=\"{signature}\"")]);
        var relaxed = new HttpSignatureVerifier(new HttpSignatureVerifierOptions { RequireStrongCoverage = false });
        var parsed = relaxed.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(["date"], parsed.Signature!.CoveredComponents);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));

        // Signing only the date proves nothing about the request: the default policy refuses it, as Mastodon does.
        Assert.Equal("The Digest header or (request-target) pseudo-header must be signed", HttpSignatureVerifier.Default.Parse(request, Now).Failure);
    }

    [Fact]
    public void Created_pseudo_header_is_refused_with_rsa_sha256()
    {
        var created = Now.ToUnixTimeSeconds();
        var request = Request("GET", "/users/bob",
        [
            new("Host", "local.example"),
            new("Signature", $"keyId=\"{AliceKeyId}\",algorithm=\"rsa-sha256\",created={created},headers=\"(request-target) (created) host\",signature=\"AAAA\""),
        ]);
        Assert.Equal("The (created) pseudo-header is not allowed with rsa-sha256", HttpSignatureVerifier.Default.Parse(request, Now).Failure);
    }

    [Fact]
    public void Unsupported_algorithms_and_missing_parameters_are_refused()
    {
        var date = HttpDate(Now);
        var ecdsa = Request("GET", "/users/bob", [new("Date", date), new("Host", "local.example"), new("Signature", $"keyId=\"{AliceKeyId}\",algorithm=\"ecdsa-sha256\",headers=\"(request-target) host date\",signature=\"AAAA\"")]);
        Assert.Equal("Unsupported signature algorithm ecdsa-sha256 (rsa-sha256 and hs2019 are supported)", HttpSignatureVerifier.Default.Parse(ecdsa, Now).Failure);

        var noKey = Request("GET", "/users/bob", [new("Date", date), new("Signature", "algorithm=\"rsa-sha256\",signature=\"AAAA\"")]);
        Assert.Equal("Incompatible request signature: keyId and signature are required", HttpSignatureVerifier.Default.Parse(noKey, Now).Failure);

        var unterminated = Request("GET", "/users/bob", [new("Date", date), new("Signature", "keyId=\"https://x.example/k,signature=\"AAAA")]);
        Assert.Equal("Error parsing signature parameters", HttpSignatureVerifier.Default.Parse(unterminated, Now).Failure);

        var notBase64 = Request("GET", "/users/bob", [new("Date", date), new("Host", "local.example"), new("Signature", $"keyId=\"{AliceKeyId}\",headers=\"(request-target) host date\",signature=\"not base64!\"")]);
        Assert.Equal("The signature is not valid base64", HttpSignatureVerifier.Default.Parse(notBase64, Now).Failure);
    }

    [Fact]
    public void A_post_must_carry_a_digest_and_sign_it()
    {
        var date = HttpDate(Now);
        var text = $"(request-target): post /inbox\nhost: local.example\ndate: {date}";
        var signature = $"keyId=\"{AliceKeyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"{SignText(AlicePrivatePem, text)}\"";

        var noDigest = Request("POST", "/inbox", [new("Host", "local.example"), new("Date", date), new("Signature", signature)], Activity);
        Assert.Equal("A request with a body must carry a Digest or Content-Digest header covered by the signature", HttpSignatureVerifier.Default.Parse(noDigest, Now).Failure);

        var unsignedDigest = Request("POST", "/inbox", [new("Host", "local.example"), new("Date", date), new("Digest", "SHA-256=" + Sha256Base64(Activity)), new("Signature", signature)], Activity);
        Assert.Equal("A request with a body must carry a Digest or Content-Digest header covered by the signature", HttpSignatureVerifier.Default.Parse(unsignedDigest, Now).Failure);

        var relaxed = new HttpSignatureVerifier(new HttpSignatureVerifierOptions { RequireBodyDigest = false });
        Assert.True(relaxed.Parse(noDigest, Now).Succeeded);
    }

    [Fact]
    public void A_digest_with_only_unknown_algorithms_or_bad_base64_is_refused_even_unsigned()
    {
        using var message = SignedPost();
        var md5 = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Digest"] = "MD5=AAAA"), Now);
        Assert.Equal("Digest header offers no SHA-256 or SHA-512 digest", md5.Failure);

        var bad = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Digest"] = "SHA-256=***"), Now);
        Assert.Equal("Digest header is not valid base64", bad.Failure);

        // Several digests: the known ones must match; unknown ones are ignored.
        var several = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h["Digest"] = "MD5=AAAA, sha-256=" + Sha256Base64(Activity)), Now);
        Assert.True(several.Succeeded, several.Failure);
    }

    [Fact]
    public void A_signed_header_that_is_missing_is_refused()
    {
        using var message = SignedPost();
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message, change: h => h.Remove("Content-Type")), Now);
        Assert.Equal("The signed header content-type is missing", parsed.Failure);
    }

    [Fact]
    public void A_get_must_sign_the_host()
    {
        var date = HttpDate(Now);
        var text = $"(request-target): get /users/bob\ndate: {date}";
        var request = Request("GET", "/users/bob", [new("Date", date), new("Signature", $"keyId=\"{AliceKeyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) date\",signature=\"{SignText(AlicePrivatePem, text)}\"")]);
        Assert.Equal("The Host header must be signed on a GET", HttpSignatureVerifier.Default.Parse(request, Now).Failure);
    }

    /// <summary>Older Mastodon signs <c>(request-target)</c> without the query string; Mastodon still accepts both.</summary>
    [Fact]
    public void A_request_target_signed_without_the_query_is_accepted()
    {
        var date = HttpDate(Now);
        var text = $"(request-target): get /users/bob/outbox\nhost: local.example\ndate: {date}";
        var request = Request("GET", "/users/bob/outbox?page=true", [new("Host", "local.example"), new("Date", date), new("Signature", $"keyId=\"{AliceKeyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"{SignText(AlicePrivatePem, text)}\"")]);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(2, parsed.Signature!.SigningStrings.Count);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));
    }

    [Fact]
    public async Task A_failed_verification_refetches_the_key_once()
    {
        using var message = SignedPost();
        var calls = new List<bool>();
        var result = await HttpSignatureVerifier.Default.VerifyAsync(Received(message), (_, refresh, _) =>
        {
            calls.Add(refresh);
            return Key(refresh ? AlicePublicPem : MalloryPublicPem);
        }, Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal([false, true], calls);

        calls.Clear();
        var stillWrong = await HttpSignatureVerifier.Default.VerifyAsync(Received(message), (_, refresh, _) =>
        {
            calls.Add(refresh);
            return Key(MalloryPublicPem);
        }, Now, CancellationToken.None);
        Assert.False(stillWrong.Verified);
        Assert.Equal($"Verification failed for key {AliceKeyId}", stillWrong.Failure);
        Assert.Equal([false, true], calls);
    }

    [Fact]
    public async Task An_unknown_key_or_a_refused_request_is_not_fetched_twice()
    {
        using var message = SignedPost();
        var calls = 0;
        var unknown = await HttpSignatureVerifier.Default.VerifyAsync(Received(message), (_, _, _) =>
        {
            calls++;
            return Task.FromResult<string?>(null);
        }, Now, CancellationToken.None);
        Assert.False(unknown.Verified);
        Assert.Equal($"Public key not found for key {AliceKeyId}", unknown.Failure);
        Assert.Equal(1, calls);

        calls = 0;
        var stale = await HttpSignatureVerifier.Default.VerifyAsync(Received(message), (_, _, _) =>
        {
            calls++;
            return Key(AlicePublicPem);
        }, Now.AddDays(1), CancellationToken.None);
        Assert.False(stale.Verified);
        Assert.Equal("Signed request date outside acceptable time window", stale.Failure);
        Assert.Equal(AliceKeyId, stale.KeyId);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Keys_in_pkcs1_form_verify_and_garbage_keys_do_not()
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(AlicePublicPem);
        var pkcs1 = rsa.ExportRSAPublicKeyPem();
        Assert.StartsWith("-----BEGIN RSA PUBLIC KEY-----", pkcs1, StringComparison.Ordinal);

        using var message = SignedPost();
        var parsed = HttpSignatureVerifier.Default.Parse(Received(message), Now);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature!, pkcs1));
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----"));
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, string.Empty));
        Assert.False(RsaKeyPool.TryValidatePublic("hello"));
        Assert.True(RsaKeyPool.TryValidatePublic(pkcs1));
    }

    [Fact]
    public void Signing_from_one_pem_on_many_threads_at_once_gives_valid_signatures()
    {
        var body = Encoding.UTF8.GetBytes(Activity);
        var failures = 0;
        Parallel.For(0, 48, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"https://local.example/users/u{i}/inbox") { Content = new ByteArrayContent(body) };
            HttpSignatureSigner.Sign(message, body, AliceKeyId, AlicePrivatePem, Now);
            var parsed = HttpSignatureVerifier.Default.Parse(SignedRequest.FromHttpRequestMessage(message, body), Now);
            if (parsed.Signature is null || !HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
