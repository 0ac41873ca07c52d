using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serverless.ActivityPub.Documents;
using Serverless.ActivityPub.Signatures;

namespace Serverless.LoadTests.Federation;

/// <summary>
/// Pre-signs distinct <c>Create</c>/<c>Note</c> activities of the seeded remote actor for wrk
/// (<c>wrk/inbox.lua</c>), as a remote server would send them: draft-cavage <c>rsa-sha256</c> over
/// <c>(request-target) host date digest content-type</c> with <see cref="HttpSignatureSigner"/>.
/// Signing is the expensive part (an RSA-2048 private-key operation each), so it happens before
/// the load, never during it.
/// </summary>
/// <remarks>
/// Output: one file per wrk thread, <c>{prefix}.{thread}.tsv</c>, activities dealt round-robin.
/// The first line is <c>#\t{host}\t{path}</c>; each further line is
/// <c>{date}\t{digest}\t{signature}\t{body}</c> (compact JSON has no raw tabs or newlines).
/// Activity ids are <c>{actor}/statuses/{n}/activity</c> for n from <c>first</c>, so two files made
/// with disjoint ranges never repeat an activity.
/// </remarks>
internal sealed class InboxActivitySigner(
    string dataDirectory, Uri inboxUrl, long first, int count, int threads, string outputPrefix, int parallel, TextWriter output)
{
    private const string Public = "https://www.w3.org/ns/activitystreams#Public";

    /// <summary>A few sentences, so that the body is about the size of a typical delivered post (about 1.2 KB with the envelope).</summary>
    private const string Paragraph =
        "Federation load test: this note travels as a signed Create activity to the shared inbox, where the server "
        + "checks the digest and the signature against the cached key, remembers the activity id and queues it for ingestion. "
        + "It has the shape of an ordinary post, with a link and a hashtag, so that parsing costs what it usually does.";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var manifest = await FederationSeeder.ReadManifestAsync(dataDirectory, cancellationToken);
        var privateKey = await File.ReadAllTextAsync(Path.Combine(dataDirectory, FederationSeeder.PrivateKeyFile), cancellationToken);
        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var lines = new string[count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Max(1, parallel)).Select(_ => Task.Run(
            () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    lines[i] = SignOne(manifest, privateKey, first + i, now);
                }
            },
            cancellationToken)).ToList();
        await Task.WhenAll(workers);

        var host = HttpSignatureSigner.AuthorityOf(inboxUrl);
        for (var t = 0; t < threads; t++)
        {
            var path = $"{outputPrefix}.{t.ToString(CultureInfo.InvariantCulture)}.tsv";
            await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
            await writer.WriteAsync($"#\t{host}\t{inboxUrl.PathAndQuery}\n");
            for (var i = t; i < count; i += threads)
            {
                await writer.WriteAsync(lines[i]);
                await writer.WriteAsync('\n');
            }
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Signed {count} activities ({first}..{first + count - 1}) for {inboxUrl} in {clock.Elapsed.TotalSeconds:0.0} s ({count / Math.Max(clock.Elapsed.TotalSeconds, 0.001):0}/s), {lines[0].Length} bytes a line; {threads} file(s) {outputPrefix}.*.tsv"));
        return 0;
    }

    private string SignOne(FederationManifest manifest, string privateKey, long n, DateTimeOffset now)
    {
        var body = Activity(manifest, n);
        using var request = new HttpRequestMessage(HttpMethod.Post, inboxUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ActivityStreams.ContentType);
        HttpSignatureSigner.Sign(request, body, manifest.KeyId, privateKey, now);
        var headers = request.Headers;
        return string.Join(
            '\t',
            headers.GetValues("Date").Single(),
            headers.GetValues("Digest").Single(),
            headers.GetValues("Signature").Single(),
            Encoding.UTF8.GetString(body));
    }

    private static byte[] Activity(FederationManifest manifest, long n)
    {
        var actor = manifest.ActorUri;
        var number = n.ToString(CultureInfo.InvariantCulture);
        var note = $"{actor}/statuses/{number}";
        // One millisecond apart from the hour before seeding: real posts are spread in time. Remote
        // status ids are the published millisecond plus 16 bits of the URI's hash, so thousands of
        // notes published in the same second would collide there and fail ingestion.
        var published = manifest.SeededAt.AddHours(-1).AddMilliseconds(n).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("@context", "https://www.w3.org/ns/activitystreams");
            json.WriteString("id", note + "/activity");
            json.WriteString("type", "Create");
            json.WriteString("actor", actor);
            json.WriteString("published", published);
            WriteAddressing(json, actor);
            json.WriteStartObject("object");
            json.WriteString("id", note);
            json.WriteString("type", "Note");
            json.WriteString("attributedTo", actor);
            json.WriteString("published", published);
            json.WriteString("url", $"https://{manifest.RemoteDomain}/@{FederationSeeder.RemoteUsername}/{number}");
            WriteAddressing(json, actor);
            json.WriteNull("inReplyTo");
            json.WriteBoolean("sensitive", false);
            json.WriteString("content", $"<p>{Paragraph} Number {number}. <a href=\"https://{manifest.RemoteDomain}/tags/loadtest\" class=\"mention hashtag\" rel=\"tag\">#<span>loadtest</span></a></p>");
            json.WriteStartArray("tag");
            json.WriteStartObject();
            json.WriteString("type", "Hashtag");
            json.WriteString("href", $"https://{manifest.RemoteDomain}/tags/loadtest");
            json.WriteString("name", "#loadtest");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("attachment");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteAddressing(Utf8JsonWriter json, string actor)
    {
        json.WriteStartArray("to");
        json.WriteStringValue(Public);
        json.WriteEndArray();
        json.WriteStartArray("cc");
        json.WriteStringValue(actor + "/followers");
        json.WriteEndArray();
    }
}
