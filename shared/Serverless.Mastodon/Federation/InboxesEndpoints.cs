using System.Buffers;
using System.Text.Json;
using Serverless.ActivityPub.Inbox;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Accounts;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Federation;

/// <summary>
/// <c>POST /inbox</c> (shared), <c>POST /users/:username/inbox</c> (personal) and <c>POST /actor/inbox</c>
/// (the instance actor's): where remote servers deliver. Answers 202 once the activity is verified
/// and queued, 401 for a signature we cannot verify (so that peers retry in the other format), 413
/// for a body over the cap, 400 for something that is not an activity.
/// </summary>
public static class InboxesEndpoints
{
    public static Task Shared(ApiRequest request) => ReceiveAsync(request, inboxOwner: null);

    public static async Task Personal(ApiRequest request)
    {
        var owner = await request.Service<AccountService>().FindLocalAsync(request.Route("username"), request.Aborted) ?? throw ApiException.NotFound();
        await ReceiveAsync(request, owner);
    }

    private static async Task ReceiveAsync(ApiRequest request, AccountRecord? inboxOwner)
    {
        var http = request.Http.Request;
        if (http.ContentLength > InboxProcessor.MaxBodyBytes)
        {
            await WriteAsync(request, new InboxProcessor.Result(413, "Payload too large"));
            return;
        }

        var body = await ReadCappedAsync(http.Body, InboxProcessor.MaxBodyBytes, request.Aborted);
        if (body is null)
        {
            await WriteAsync(request, new InboxProcessor.Result(413, "Payload too large"));
            return;
        }

        var result = await request.Service<InboxProcessor>().ReceiveAsync(SignedRequest.FromHttpRequest(http, body), inboxOwner, request.Aborted);
        await WriteAsync(request, result);
    }

    private static async Task WriteAsync(ApiRequest request, InboxProcessor.Result result)
    {
        if (result.Error is null)
        {
            request.Http.Response.StatusCode = result.Status;
            return;
        }

        await request.Raw(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = result.Error }, InboxJsonContext.Default.DictionaryStringString), "application/json; charset=utf-8", result.Status);
    }

    /// <summary>The body, or null when it is larger than <paramref name="max"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                return null;
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class InboxJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
