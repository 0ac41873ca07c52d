using System.Net.Http.Headers;
using System.Text;
using Serverless.ActivityPub.Signatures;
using static Serverless.Tests.ActivityPub.Signatures.SignatureTestKeys;

namespace Serverless.Tests.ActivityPub.Signatures;

public sealed class Rfc9421SignatureTests
{
    private const string Activity = """{"type":"Like","actor":"https://remote.example/users/alice","object":"https://local.example/users/bob/statuses/1"}""";

    private static string ContentDigest(string body) => "sha-256=:" + Sha256Base64(body) + ":";

    /// <summary>
    /// A request signed by hand: <paramref name="signatureParams"/> is the <c>Signature-Input</c> member
    /// value and <paramref name="signatureBase"/> the component lines the test expects, written out here
    /// rather than computed, so that the verifier is checked against RFC 9421's rules, not against itself.
    /// </summary>
    private static SignedRequest HandSigned(string method, string target, string signatureBase, string signatureParams, IEnumerable<KeyValuePair<string, string>> headers, string body = "", string? signedParams = null, string authority = "local.example")
    {
        var text = signatureBase + "\"@signature-params\": " + (signedParams ?? signatureParams);
        var signature = SignText(AlicePrivatePem, text);
        return Request(method, target, headers.Concat([new("Signature-Input", "sig1=" + signatureParams), new("Signature", "sig1=:" + signature + ":")]), body, authority);
    }

    [Fact]
    public async Task A_post_signed_like_fedify_round_trips()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://local.example/users/bob/inbox") { Content = new StringContent(Activity) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/activity+json");
        var body = Encoding.UTF8.GetBytes(Activity);
        using var key = ImportPrivate();
        HttpMessageSignatureSigner.Sign(message, body, AliceKeyId, key, Now);

        var created = Now.ToUnixTimeSeconds();
        var expectedParams = $"(\"@method\" \"@target-uri\" \"@authority\" \"date\" \"content-digest\" \"content-type\");created={created};keyid=\"{AliceKeyId}\";alg=\"rsa-v1_5-sha256\"";
        Assert.Equal("sig1=" + expectedParams, message.Headers.GetValues("Signature-Input").Single());
        Assert.Equal(ContentDigest(Activity), message.Headers.GetValues("Content-Digest").Single());

        var request = SignedRequest.FromHttpRequestMessage(message, body);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now.AddSeconds(30));
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(SignatureScheme.Rfc9421, parsed.Signature!.Scheme);
        Assert.Equal("rsa-v1_5-sha256", parsed.Signature.Algorithm);
        Assert.Equal(Now, parsed.Signature.Created);
        Assert.Equal(
            "\"@method\": POST\n" +
            "\"@target-uri\": https://local.example/users/bob/inbox\n" +
            "\"@authority\": local.example\n" +
            $"\"date\": {HttpDate(Now)}\n" +
            $"\"content-digest\": {ContentDigest(Activity)}\n" +
            "\"content-type\": application/activity+json\n" +
            "\"@signature-params\": " + expectedParams,
            parsed.Signature.SigningString);

        var result = await HttpSignatureVerifier.Default.VerifyAsync(request, (_, _, _) => Task.FromResult<string?>(AlicePublicPem), Now, CancellationToken.None);
        Assert.True(result.Verified, result.Failure);
        Assert.Equal(SignatureScheme.Rfc9421, result.Scheme);
        Assert.Equal(AliceKeyId, result.KeyId);
    }

    [Fact]
    public void A_get_round_trips_without_a_digest()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:4001/users/alice?page=1");
        using var key = ImportPrivate();
        HttpMessageSignatureSigner.Sign(message, ReadOnlySpan<byte>.Empty, AliceKeyId, key, Now, label: "fedify");
        Assert.False(message.Headers.Contains("Content-Digest"));

        var request = SignedRequest.FromHttpRequestMessage(message, ReadOnlyMemory<byte>.Empty);
        Assert.Equal("http", request.Scheme);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.StartsWith("\"@method\": GET\n\"@target-uri\": http://127.0.0.1:4001/users/alice?page=1\n\"@authority\": 127.0.0.1:4001\n", parsed.Signature!.SigningString, StringComparison.Ordinal);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));
    }

    [Fact]
    public void Derived_components_follow_the_rfc_and_no_alg_means_the_rsa_key_decides()
    {
        const string keyId = "https://remote.example/users/alice";
        var created = Now.ToUnixTimeSeconds();
        var signatureParams = $"(\"@method\" \"@scheme\" \"@authority\" \"@path\" \"@query\" \"@request-target\" \"content-digest\");created={created};keyid=\"{keyId}\"";
        var signatureBase =
            "\"@method\": POST\n" +
            "\"@scheme\": https\n" +
            "\"@authority\": local.example\n" +
            "\"@path\": /users/bob/inbox\n" +
            "\"@query\": ?x=1&y=%20\n" +
            "\"@request-target\": /users/bob/inbox?x=1&y=%20\n" +
            $"\"content-digest\": {ContentDigest(Activity)}\n";
        var request = HandSigned("POST", "/users/bob/inbox?x=1&y=%20", signatureBase, signatureParams, [new("Content-Digest", ContentDigest(Activity))], Activity, authority: "Local.Example:443");

        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(keyId, parsed.Signature!.KeyId);
        Assert.Equal(string.Empty, parsed.Signature.Algorithm);
        Assert.Equal(signatureBase + "\"@signature-params\": " + signatureParams, parsed.Signature.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));
    }

    [Fact]
    public void An_empty_query_and_path_have_their_rfc_values()
    {
        var created = Now.ToUnixTimeSeconds();
        var signatureParams = $"(\"@method\" \"@path\" \"@query\" \"host\");created={created};keyid=\"{AliceKeyId}\"";
        var signatureBase = "\"@method\": GET\n\"@path\": /\n\"@query\": ?\n\"host\": local.example\n";
        var request = HandSigned("GET", "/", signatureBase, signatureParams, [new("Host", "local.example")]);
        var parsed = HttpSignatureVerifier.Default.Parse(request, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void Signature_params_are_taken_as_received_or_in_canonical_form()
    {
        var created = Now.ToUnixTimeSeconds();
        var spaced = $"(\"@method\"   \"@target-uri\" \"content-digest\" );created={created};keyid=\"{AliceKeyId}\";alg=\"rsa-v1_5-sha256\"";
        var canonical = $"(\"@method\" \"@target-uri\" \"content-digest\");created={created};keyid=\"{AliceKeyId}\";alg=\"rsa-v1_5-sha256\"";
        var signatureBase = $"\"@method\": POST\n\"@target-uri\": https://local.example/inbox\n\"content-digest\": {ContentDigest(Activity)}\n";
        IEnumerable<KeyValuePair<string, string>> headers = [new("Content-Digest", ContentDigest(Activity))];

        var asReceived = HttpSignatureVerifier.Default.Parse(HandSigned("POST", "/inbox", signatureBase, spaced, headers, Activity), Now);
        Assert.True(asReceived.Succeeded, asReceived.Failure);
        Assert.Equal(signatureBase + "\"@signature-params\": " + spaced, asReceived.Signature!.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(asReceived.Signature, AlicePublicPem));

        var normalised = HttpSignatureVerifier.Default.Parse(HandSigned("POST", "/inbox", signatureBase, spaced, headers, Activity, signedParams: canonical), Now);
        Assert.True(normalised.Succeeded, normalised.Failure);
        Assert.True(HttpSignatureVerifier.Verify(normalised.Signature!, AlicePublicPem));
    }

    [Fact]
    public void Tampering_with_a_covered_component_fails()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://local.example/users/bob/inbox") { Content = new StringContent(Activity) };
        var body = Encoding.UTF8.GetBytes(Activity);
        using (var key = ImportPrivate())
        {
            HttpMessageSignatureSigner.Sign(message, body, AliceKeyId, key, Now);
        }

        var request = SignedRequest.FromHttpRequestMessage(message, body);
        foreach (var tampered in new[]
        {
            request with { Method = "PUT" },
            request with { Target = "/users/carol/inbox" },
            request with { Authority = "evil.example" },
            request with { Scheme = "http" },
            request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Date"] = HttpDate(Now.AddSeconds(1)) } },
        })
        {
            var parsed = HttpSignatureVerifier.Default.Parse(tampered, Now);
            Assert.True(parsed.Succeeded, parsed.Failure);
            Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
        }

        var otherBody = HttpSignatureVerifier.Default.Parse(request with { Body = Encoding.UTF8.GetBytes(Activity + " ") }, Now);
        Assert.Equal("Content-Digest does not match the body", otherBody.Failure);
    }

    [Fact]
    public void Unsupported_algorithms_are_refused_but_a_usable_signature_beside_them_is_taken()
    {
        var created = Now.ToUnixTimeSeconds();
        var good = $"(\"@method\" \"@target-uri\");created={created};keyid=\"{AliceKeyId}\";alg=\"rsa-v1_5-sha256\"";
        var signature = SignText(AlicePrivatePem, "\"@method\": GET\n\"@target-uri\": https://local.example/users/bob\n\"@signature-params\": " + good);
        var pss = $"(\"@method\" \"@target-uri\");created={created};keyid=\"https://remote.example/users/alice#ed25519-key\";alg=\"ed25519\"";

        var only = Request("GET", "/users/bob", [new("Signature-Input", "sig1=" + pss), new("Signature", "sig1=:AAAA:")]);
        var refused = HttpSignatureVerifier.Default.Parse(only, Now);
        Assert.Equal("Unsupported signature algorithm ed25519 (rsa-v1_5-sha256 is supported)", refused.Failure);
        Assert.Equal("https://remote.example/users/alice#ed25519-key", refused.KeyId);

        var both = Request("GET", "/users/bob", [new("Signature-Input", $"ed=" + pss + ", rsa=" + good), new("Signature", $"ed=:AAAA:, rsa=:{signature}:")]);
        var parsed = HttpSignatureVerifier.Default.Parse(both, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(AliceKeyId, parsed.Signature!.KeyId);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));
    }

    [Fact]
    public void Created_and_expires_bound_the_signature_in_time()
    {
        string Params(DateTimeOffset created, DateTimeOffset? expires = null) =>
            $"(\"@method\" \"@target-uri\");created={created.ToUnixTimeSeconds()};keyid=\"{AliceKeyId}\"" + (expires is { } e ? $";expires={e.ToUnixTimeSeconds()}" : string.Empty);
        const string signatureBase = "\"@method\": GET\n\"@target-uri\": https://local.example/users/bob\n";

        var old = HandSigned("GET", "/users/bob", signatureBase, Params(Now.AddHours(-13)), []);
        Assert.Equal("Signed request date outside acceptable time window", HttpSignatureVerifier.Default.Parse(old, Now).Failure);

        var future = HandSigned("GET", "/users/bob", signatureBase, Params(Now.AddHours(13)), []);
        Assert.Equal("Signed request date outside acceptable time window", HttpSignatureVerifier.Default.Parse(future, Now).Failure);

        var expired = HandSigned("GET", "/users/bob", signatureBase, Params(Now.AddHours(-3), Now.AddHours(-2)), []);
        Assert.Equal("Signature expired", HttpSignatureVerifier.Default.Parse(expired, Now).Failure);

        var fresh = HandSigned("GET", "/users/bob", signatureBase, Params(Now.AddMinutes(-1), Now.AddMinutes(4)), []);
        var parsed = HttpSignatureVerifier.Default.Parse(fresh, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));
    }

    [Fact]
    public void Without_created_the_date_header_must_be_covered()
    {
        var date = HttpDate(Now);
        var withDate = HandSigned("GET", "/users/bob", $"\"@method\": GET\n\"@target-uri\": https://local.example/users/bob\n\"date\": {date}\n", $"(\"@method\" \"@target-uri\" \"date\");keyid=\"{AliceKeyId}\"", [new("Date", date)]);
        var parsed = HttpSignatureVerifier.Default.Parse(withDate, Now);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature!, AlicePublicPem));

        var dateNotSigned = HandSigned("GET", "/users/bob", "\"@method\": GET\n\"@target-uri\": https://local.example/users/bob\n", $"(\"@method\" \"@target-uri\");keyid=\"{AliceKeyId}\"", [new("Date", date)]);
        Assert.Equal("The created parameter or the Date header must be signed", HttpSignatureVerifier.Default.Parse(dateNotSigned, Now).Failure);

        var noTime = HandSigned("GET", "/users/bob", "\"@method\": GET\n\"@target-uri\": https://local.example/users/bob\n", $"(\"@method\" \"@target-uri\");keyid=\"{AliceKeyId}\"", []);
        Assert.Equal("Request has no Date header and its signature no created time", HttpSignatureVerifier.Default.Parse(noTime, Now).Failure);
    }

    [Fact]
    public void The_method_and_target_must_be_covered()
    {
        var created = Now.ToUnixTimeSeconds();
        var request = HandSigned("GET", "/users/bob", "\"@authority\": local.example\n", $"(\"@authority\");created={created};keyid=\"{AliceKeyId}\"", []);
        Assert.Equal("The @method and @target-uri components must be signed", HttpSignatureVerifier.Default.Parse(request, Now).Failure);
    }

    [Fact]
    public void A_post_needs_a_covered_content_digest_that_matches()
    {
        var created = Now.ToUnixTimeSeconds();
        const string signatureBase = "\"@method\": POST\n\"@target-uri\": https://local.example/inbox\n";
        var signatureParams = $"(\"@method\" \"@target-uri\");created={created};keyid=\"{AliceKeyId}\"";

        var uncovered = HandSigned("POST", "/inbox", signatureBase, signatureParams, [new("Content-Digest", ContentDigest(Activity))], Activity);
        Assert.Equal("A request with a body must carry a Digest or Content-Digest header covered by the signature", HttpSignatureVerifier.Default.Parse(uncovered, Now).Failure);

        var unknownAlgorithm = HandSigned("POST", "/inbox", signatureBase, signatureParams, [new("Content-Digest", "md5=:AAAA:")], Activity);
        Assert.Equal("Content-Digest header offers no SHA-256 or SHA-512 digest", HttpSignatureVerifier.Default.Parse(unknownAlgorithm, Now).Failure);

        var malformed = HandSigned("POST", "/inbox", signatureBase, signatureParams, [new("Content-Digest", "sha-256=" + Sha256Base64(Activity))], Activity);
        Assert.Equal("Content-Digest header is malformed", HttpSignatureVerifier.Default.Parse(malformed, Now).Failure);

        var wrong = HandSigned("POST", "/inbox", signatureBase, signatureParams, [new("Content-Digest", ContentDigest("{}"))], Activity);
        Assert.Equal("Content-Digest does not match the body", HttpSignatureVerifier.Default.Parse(wrong, Now).Failure);
    }

    [Fact]
    public void Malformed_or_unsupported_inputs_are_refused()
    {
        var created = Now.ToUnixTimeSeconds();
        Assert.Equal("Signature-Input header is malformed", HttpSignatureVerifier.Default.Parse(Request("GET", "/", [new("Signature-Input", "sig1=(\"@method\""), new("Signature", "sig1=:AAAA:")]), Now).Failure);
        Assert.Equal("Signature header is malformed", HttpSignatureVerifier.Default.Parse(Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\");created={created};keyid=\"k\""), new("Signature", "sig1=:AAAA")]), Now).Failure);
        Assert.Equal("No Signature for label sig1", HttpSignatureVerifier.Default.Parse(Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\");created={created};keyid=\"k\"")]), Now).Failure);
        Assert.Equal("Incompatible request signature: keyid is required", HttpSignatureVerifier.Default.Parse(Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\");created={created}"), new("Signature", "sig1=:AAAA:")]), Now).Failure);

        var withParameter = Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\" \"@target-uri\" \"example-dict\";sf);created={created};keyid=\"k\""), new("Signature", "sig1=:AAAA:"), new("Example-Dict", "a=1")]);
        Assert.Equal("Unsupported parameters on component example-dict", HttpSignatureVerifier.Default.Parse(withParameter, Now).Failure);

        var status = Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\" \"@target-uri\" \"@status\");created={created};keyid=\"k\""), new("Signature", "sig1=:AAAA:")]);
        Assert.Equal("Unsupported derived component @status", HttpSignatureVerifier.Default.Parse(status, Now).Failure);

        var missing = Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\" \"@target-uri\" \"x-missing\");created={created};keyid=\"k\""), new("Signature", "sig1=:AAAA:")]);
        Assert.Equal("The signed header x-missing is missing", HttpSignatureVerifier.Default.Parse(missing, Now).Failure);

        var twice = Request("GET", "/", [new("Signature-Input", $"sig1=(\"@method\" \"@target-uri\" \"@method\");created={created};keyid=\"k\""), new("Signature", "sig1=:AAAA:")]);
        Assert.Equal("Component @method is covered twice", HttpSignatureVerifier.Default.Parse(twice, Now).Failure);
    }

    /// <summary>
    /// RFC 9421 §4.3: a reverse proxy's <c>rsa-v1_5-sha256</c> signature (<c>proxy_sig</c>) with the
    /// RFC's <c>test-key-rsa</c> (Appendix B.1.1, given in PKCS#1 form). Its body digest is SHA-512.
    /// </summary>
    [Fact]
    public void Rfc9421_section_4_3_rsa_v1_5_sha256_example_verifies()
    {
        const string testKeyRsa = """
            -----BEGIN RSA PUBLIC KEY-----
            MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
            WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
            MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
            kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
            uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
            PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
            -----END RSA PUBLIC KEY-----
            """;
        const string contentDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
        const string signatureParams = "(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\" \"forwarded\");created=1618884480;keyid=\"test-key-rsa\";alg=\"rsa-v1_5-sha256\";expires=1618884540";
        const string signature = "S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==";
        var request = Request("POST", "/foo?param=Value&Pet=dog",
        [
            new("Host", "origin.host.internal.example"),
            new("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
            new("Content-Type", "application/json"),
            new("Content-Digest", contentDigest),
            new("Content-Length", "18"),
            new("Forwarded", "for=192.0.2.123;host=example.com;proto=https"),
            new("Signature-Input", "proxy_sig=" + signatureParams),
            new("Signature", $"proxy_sig=:{signature}:"),
        ], """{"hello": "world"}""", authority: "origin.host.internal.example");

        var parsed = HttpSignatureVerifier.Default.Parse(request, DateTimeOffset.FromUnixTimeSeconds(1618884500));
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal("test-key-rsa", parsed.Signature!.KeyId);
        Assert.Equal(
            "\"@method\": POST\n" +
            "\"@authority\": origin.host.internal.example\n" +
            "\"@path\": /foo\n" +
            $"\"content-digest\": {contentDigest}\n" +
            "\"content-type\": application/json\n" +
            "\"content-length\": 18\n" +
            "\"forwarded\": for=192.0.2.123;host=example.com;proto=https\n" +
            "\"@signature-params\": " + signatureParams,
            parsed.Signature.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, testKeyRsa));
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature, AlicePublicPem));

        // The example expires after a minute (plus our hour of leeway).
        Assert.Equal("Signature expired", HttpSignatureVerifier.Default.Parse(request, DateTimeOffset.FromUnixTimeSeconds(1618884540 + 3601)).Failure);
    }

    private static System.Security.Cryptography.RSA ImportPrivate()
    {
        var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(AlicePrivatePem);
        return rsa;
    }
}
