using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.ActivityPub.Signatures;
using Serverless.Core.Json;
using Serverless.Core.Storage;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Federation;

/// <summary>
/// A real account of one instance, speaking for itself to another with activities that instance does
/// not send yet (Block, Flag, Move, Delete of itself, …): its actor document is served by its own
/// server, and each activity is signed with its own key, as its server would sign it.
/// </summary>
internal sealed class SignedActor
{
    private readonly string _privateKeyPem;

    private SignedActor(StandaloneServer server, string username, string privateKeyPem)
    {
        Server = server;
        Username = username;
        _privateKeyPem = privateKeyPem;
    }

    public StandaloneServer Server { get; }

    public string Username { get; }

    public string Uri => $"http://127.0.0.1:{Server.Port}/users/{Username}";

    public static async Task<SignedActor> OfAsync(StandaloneServer server, JsonObject account)
    {
        var id = account["id"]!.GetValue<string>();
        var store = server.Services.GetRequiredService<IDocumentStore>();
        var user = await store.ReadAsync(Containers.Users, id, id, StoreJsonContext.Default.UserRecord, CancellationToken.None);
        return new SignedActor(server, account["username"]!.GetValue<string>(), user!.Value.PrivateKeyPem);
    }

    /// <summary>A new activity id on this actor's server.</summary>
    public string NewId(string kind) => $"{Uri}#{kind}/{Guid.NewGuid():N}";

    /// <summary>POSTs the activity, signed, to <paramref name="to"/>'s shared inbox; returns the status code.</summary>
    public async Task<HttpStatusCode> SendAsync(StandaloneServer to, JsonObject activity)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(activity);
        activity["@context"] ??= "https://www.w3.org/ns/activitystreams";
        activity["actor"] ??= Uri;
        var body = Encoding.UTF8.GetBytes(activity.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, new System.Uri($"http://127.0.0.1:{to.Port}/inbox")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/activity+json");
        HttpSignatureSigner.Sign(request, body, Uri + "#main-key", _privateKeyPem, DateTimeOffset.UtcNow);
        using var response = await to.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Signs a GET (set its Accept header first) as this actor, as its server signs fetches on its behalf.</summary>
    public void SignFetch(HttpRequestMessage request) =>
        HttpSignatureSigner.Sign(request, [], Uri + "#main-key", _privateKeyPem, DateTimeOffset.UtcNow);

    /// <summary>A document of this actor's server as ActivityPub JSON (a status's Note, say).</summary>
    public async Task<JsonObject> FetchAsync(string uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await Server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
