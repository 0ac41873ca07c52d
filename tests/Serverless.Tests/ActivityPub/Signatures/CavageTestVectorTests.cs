using Serverless.ActivityPub.Signatures;

namespace Serverless.Tests.ActivityPub.Signatures;

/// <summary>
/// The published test values of draft-cavage-http-signatures (Appendix C, "Test Values"): the
/// <c>keyId="Test"</c> 1024-bit RSA key, the <c>POST /foo?param=value&amp;pet=dog</c> request, and the
/// signatures of the Default, Basic and All Headers tests. The All Headers test uses the header
/// list of drafts 09–11 (<c>(request-target) host date content-type digest content-length</c>):
/// draft 12 added <c>(created) (expires)</c> to that list but kept the older signature, which does not
/// cover them, so draft 12's variant of that one test cannot verify with any implementation.
/// </summary>
public sealed class CavageTestVectorTests
{
    private const string TestPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
        6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
        Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
        oYi+1hqp1fIekaxsyQIDAQAB
        -----END PUBLIC KEY-----
        """;

    private const string Date = "Sun, 05 Jan 2014 21:31:40 GMT";
    private const string Body = """{"hello": "world"}""";

    private const string DefaultSignature = "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=";
    private const string BasicSignature = "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=";
    private const string AllHeadersSignature = "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

    private static readonly DateTimeOffset SignedAt = new(2014, 1, 5, 21, 31, 40, TimeSpan.Zero);

    /// <summary>The Default and Basic tests sign a POST without its digest, which our policy refuses: check the cryptography alone.</summary>
    private static readonly HttpSignatureVerifier Relaxed = new(new HttpSignatureVerifierOptions { RequireBodyDigest = false, RequireStrongCoverage = false });

    private static SignedRequest TestRequest(string header, string value) =>
        SignatureTestKeys.Request("POST", "/foo?param=value&pet=dog",
        [
            new("Host", "example.com"),
            new("Date", Date),
            new("Content-Type", "application/json"),
            new("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="),
            new("Content-Length", "18"),
            new(header, value),
        ], Body, authority: "example.com");

    [Theory]
    [InlineData("Signature", "")]
    [InlineData("Authorization", "Signature ")]
    public void Default_test_verifies(string header, string prefix)
    {
        var request = TestRequest(header, prefix + $"keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"{DefaultSignature}\"");
        var parsed = Relaxed.Parse(request, SignedAt);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal("Test", parsed.Signature!.KeyId);
        Assert.Equal("date: " + Date, parsed.Signature.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, TestPublicKey));
    }

    [Fact]
    public void Basic_test_verifies()
    {
        var request = TestRequest("Authorization", $"Signature keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\", signature=\"{BasicSignature}\"");
        var parsed = Relaxed.Parse(request, SignedAt);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal($"(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: {Date}", parsed.Signature!.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, TestPublicKey));
    }

    [Fact]
    public void All_headers_test_verifies_under_the_default_policy()
    {
        var request = TestRequest("Signature", $"keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date content-type digest content-length\",signature=\"{AllHeadersSignature}\"");
        var parsed = HttpSignatureVerifier.Default.Parse(request, SignedAt.AddHours(1));
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.Equal(
            $"(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: {Date}\ncontent-type: application/json\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18",
            parsed.Signature!.SigningString);
        Assert.True(HttpSignatureVerifier.Verify(parsed.Signature, TestPublicKey));
    }

    [Fact]
    public void The_vectors_fail_when_anything_changes()
    {
        var request = TestRequest("Signature", $"keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"{DefaultSignature}\"");
        var otherDate = request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Date"] = "Sun, 05 Jan 2014 21:31:41 GMT" } };
        var parsed = Relaxed.Parse(otherDate, SignedAt);
        Assert.True(parsed.Succeeded, parsed.Failure);
        Assert.False(HttpSignatureVerifier.Verify(parsed.Signature!, TestPublicKey));

        var otherPath = TestRequest("Signature", $"keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"{BasicSignature}\"") with { Target = "/foo?param=value&pet=cat" };
        var parsedPath = Relaxed.Parse(otherPath, SignedAt);
        Assert.True(parsedPath.Succeeded, parsedPath.Failure);
        Assert.False(HttpSignatureVerifier.Verify(parsedPath.Signature!, TestPublicKey));

        var otherKey = Relaxed.Parse(TestRequest("Signature", $"keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"{DefaultSignature}\""), SignedAt);
        Assert.False(HttpSignatureVerifier.Verify(otherKey.Signature!, SignatureTestKeys.AlicePublicPem));
    }

    [Fact]
    public void The_default_policy_refuses_the_weaker_vectors_and_their_age()
    {
        var basic = TestRequest("Signature", $"keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"{BasicSignature}\"");
        Assert.Equal(
            "A request with a body must carry a Digest or Content-Digest header covered by the signature",
            HttpSignatureVerifier.Default.Parse(basic, SignedAt).Failure);
        Assert.Equal("Signed request date outside acceptable time window", HttpSignatureVerifier.Default.Parse(basic, SignatureTestKeys.Now).Failure);
    }
}
