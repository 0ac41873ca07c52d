using Microsoft.AspNetCore.Http;

namespace Serverless.Core.Streaming;

/// <summary>
/// The webhook side of a hosted streaming service (Web PubSub's <c>connect</c> and <c>message</c>
/// events, at <c>/_streaming/{event}</c>): it answers the whole request itself, because the service
/// speaks its own protocol (CloudEvents headers, abuse-protection OPTIONS) rather than Mastodon's.
/// Absent where streaming runs in process.
/// </summary>
public interface IStreamingEventHandler
{
    Task HandleAsync(HttpContext context);
}
