using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Statuses;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Federation;
using Serverless.Tests.Moderation;
using Serverless.Tests.Streaming;

namespace Serverless.Tests.VisibilityMatrix;

/// <summary>The kinds of viewer the visibility matrix asks about, in the order of its columns.</summary>
public enum Viewer
{
    /// <summary>Nobody signed in; unsigned ActivityPub fetches.</summary>
    Anonymous,

    /// <summary>A local account following the author (with post notifications on).</summary>
    Follower,

    /// <summary>A local account that does not follow the author and is not mentioned.</summary>
    Stranger,

    /// <summary>A local account mentioned in every post, not following the author.</summary>
    Mentioned,

    /// <summary>A local account the author blocked (it followed the author before).</summary>
    Blocked,

    /// <summary>A local account following the author that muted the author.</summary>
    Muted,

    /// <summary>An account on another server following the author.</summary>
    RemoteFollower,

    /// <summary>An account on another server mentioned in every post, not following.</summary>
    RemoteMentioned,

    /// <summary>An account on a server the author blocked (it followed the author before the block).</summary>
    DomainBlocked,

    /// <summary>An account on a server the instance's moderators suspended (it followed the author before).</summary>
    SuspendedDomain,
}

/// <summary>
/// The world the visibility matrix observes: an author on the main instance who posts once in each
/// visibility (and once more in each as a reply in someone else's thread), viewers of every kind on
/// the main instance and on three other instances, all the relations between them set up through the
/// client API and federation, and user and public streams opened before the posts.
/// </summary>
public sealed class VisibilityWorld : IAsyncLifetime
{
    public static readonly string[] Visibilities = ["public", "unlisted", "private", "direct"];

    public static readonly Viewer[] LocalViewers = [Viewer.Follower, Viewer.Stranger, Viewer.Mentioned, Viewer.Blocked, Viewer.Muted];

    public static readonly Viewer[] RemoteViewers = [Viewer.RemoteFollower, Viewer.RemoteMentioned, Viewer.DomainBlocked, Viewer.SuspendedDomain];

    private readonly List<StandaloneServer> _servers = [];

    public StandaloneServer Main { get; private set; } = null!;

    public StandaloneServer Friendly { get; private set; } = null!;

    public StandaloneServer Blocked { get; private set; } = null!;

    public StandaloneServer Suspended { get; private set; } = null!;

    public HttpClient Author { get; private set; } = null!;

    public string AuthorId { get; private set; } = null!;

    /// <summary>The local viewers' clients; Anonymous is the unauthenticated client.</summary>
    public Dictionary<Viewer, HttpClient> Clients { get; } = [];

    /// <summary>The remote viewers: their server, client there, and their actor (to sign fetches with their key).</summary>
    internal Dictionary<Viewer, (StandaloneServer Server, HttpClient Client, SignedActor Actor)> Remote { get; } = [];

    /// <summary>The author's posts by visibility: id, uri and url.</summary>
    public Dictionary<string, JsonObject> Posts { get; } = [];

    /// <summary>The author's replies in the thread of <see cref="RootId"/>, by visibility.</summary>
    public Dictionary<string, JsonObject> Replies { get; } = [];

    public string RootId { get; private set; } = null!;

    public Dictionary<Viewer, string> Lists { get; } = [];

    public Dictionary<Viewer, StreamClient> UserStreams { get; } = [];

    public Dictionary<Viewer, StreamClient> PublicStreams { get; } = [];

    /// <summary>Whether an anonymous connection to the public stream was refused (Mastodon requires a token).</summary>
    public bool AnonymousStreamRefused { get; private set; }

    public static string Marker(string visibility) => "matrix-" + visibility;

    public static string ReplyMarker(string visibility) => "thread-" + visibility;

    public async Task InitializeAsync()
    {
        Main = await StartAsync();
        Friendly = await StartAsync();
        Blocked = await StartAsync();
        Suspended = await StartAsync();

        (Author, var author) = await Main.SignUpAsync("alice");
        AuthorId = author["id"]!.GetValue<string>();
        Clients[Viewer.Anonymous] = Main.Client;
        foreach (var (viewer, name) in new[] { (Viewer.Follower, "fran"), (Viewer.Stranger, "nora"), (Viewer.Mentioned, "mia"), (Viewer.Blocked, "bob"), (Viewer.Muted, "max") })
        {
            Clients[viewer] = (await Main.SignUpAsync(name)).Client;
        }

        var (olga, _) = await Main.SignUpAsync("olga");
        var (admin, _) = await Staff.SignUpAsync(Main, "moderator1");

        foreach (var (viewer, server, name) in new[] { (Viewer.RemoteFollower, Friendly, "rfol"), (Viewer.RemoteMentioned, Friendly, "rmen"), (Viewer.DomainBlocked, Blocked, "cfol"), (Viewer.SuspendedDomain, Suspended, "dfol") })
        {
            var (client, account) = await server.SignUpAsync(name);
            Remote[viewer] = (server, client, await SignedActor.OfAsync(server, account));
        }

        // Follows: local ones with post notifications; remote ones through federation (accepted automatically).
        foreach (var viewer in new[] { Viewer.Follower, Viewer.Muted, Viewer.Blocked })
        {
            await OkAsync(Clients[viewer].PostAsync($"/api/v1/accounts/{AuthorId}/follow", JsonContent.Create(new JsonObject { ["notify"] = true })));
        }

        var aliceHandle = TwoInstances.Handle(Main, "alice");
        foreach (var viewer in new[] { Viewer.RemoteFollower, Viewer.DomainBlocked, Viewer.SuspendedDomain })
        {
            var client = Remote[viewer].Client;
            var id = await TwoInstances.ResolveAsync(client, aliceHandle);
            await OkAsync(client.PostAsync($"/api/v1/accounts/{id}/follow", null));
            await StandaloneServer.EventuallyAsync(async () => (await TwoInstances.RelationshipAsync(client, id))["following"]!.GetValue<bool>() ? "ok" : null);
        }

        // Lists of the author, made before the posts so that fan-out fills them (adding fails for non-followers, as on Mastodon).
        foreach (var viewer in LocalViewers)
        {
            var list = await StandaloneServer.PostJsonAsync(Clients[viewer], "/api/v1/lists", new JsonObject { ["title"] = "matrix" });
            Lists[viewer] = list["id"]!.GetValue<string>();
            using var add = await Clients[viewer].PostAsync($"/api/v1/lists/{Lists[viewer]}/accounts", JsonContent.Create(new JsonObject { ["account_ids"] = new JsonArray(AuthorId) }));
        }

        // The relations under test.
        var bobId = await AccountIdAsync(Clients[Viewer.Blocked]);
        await OkAsync(Author.PostAsync($"/api/v1/accounts/{bobId}/block", null));
        await OkAsync(Clients[Viewer.Muted].PostAsync($"/api/v1/accounts/{AuthorId}/mute", JsonContent.Create(new JsonObject { ["notifications"] = true })));
        await OkAsync(Author.PostAsync("/api/v1/domain_blocks", JsonContent.Create(new JsonObject { ["domain"] = $"127.0.0.1:{Blocked.Port}" })));
        await OkAsync(admin.PostAsync("/api/v1/admin/domain_blocks", JsonContent.Create(new JsonObject { ["domain"] = $"127.0.0.1:{Suspended.Port}", ["severity"] = "suspend" })));

        // Streams, opened before anything is posted.
        foreach (var viewer in LocalViewers)
        {
            var token = StreamClient.TokenOf(Clients[viewer]);
            UserStreams[viewer] = await StreamClient.ConnectAsync(Main, token, "stream=user");
            PublicStreams[viewer] = await StreamClient.ConnectAsync(Main, token, "stream=public:local");
        }

        try
        {
            await (await StreamClient.ConnectAsync(Main, "", "stream=public:local", tokenInQuery: true)).DisposeAsync();
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            AnonymousStreamRefused = true;
        }

        var root = await StandaloneServer.PostJsonAsync(olga, "/api/v1/statuses", new JsonObject { ["status"] = "thread-root" });
        RootId = root["id"]!.GetValue<string>();

        // The author's server knows the remote account it mentions, as after a search.
        await TwoInstances.ResolveAsync(Author, TwoInstances.Handle(Friendly, "rmen"));
        var mentions = $"@mia @{TwoInstances.Handle(Friendly, "rmen")}";
        foreach (var visibility in Visibilities)
        {
            Posts[visibility] = await StandaloneServer.PostJsonAsync(Author, "/api/v1/statuses", new JsonObject { ["status"] = $"{Marker(visibility)} #matrix {mentions}", ["visibility"] = visibility });
            Replies[visibility] = await StandaloneServer.PostJsonAsync(Author, "/api/v1/statuses", new JsonObject { ["status"] = $"{ReplyMarker(visibility)} {mentions}", ["visibility"] = visibility, ["in_reply_to_id"] = RootId });
        }

        // Everything that must arrive has arrived: the follower's home has the private post, the remote
        // follower's server and the mentioned remote account have the direct one, the streams caught up.
        await SettleAsync(async () => (await TextsAsync(Clients[Viewer.Follower], "/api/v1/timelines/home?limit=40")).Contains(Marker("private")) ? "ok" : null);
        await SettleAsync(async () => (await TextsAsync(Remote[Viewer.RemoteMentioned].Client, "/api/v1/notifications?limit=40")).Contains(Marker("direct")) ? "ok" : null);
        await SettleAsync(async () => await KnowsAsync(Friendly, Posts["private"]) ? "ok" : null);
        await SettleAsync(async () => Frames(await UserStreams[Viewer.Follower].DrainAsync()).Contains(Marker("private"), StringComparison.Ordinal) ? "ok" : null);
        await SettleAsync(async () => Frames(await PublicStreams[Viewer.Stranger].DrainAsync()).Contains(Marker("public"), StringComparison.Ordinal) ? "ok" : null);

        // A moment more for what must not arrive, had it been sent.
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Waits (boundedly) for something that should happen; if it does not, the matrix, not the set-up,
    /// reports what is missing.
    /// </summary>
    private static async Task SettleAsync(Func<Task<string?>> probe)
    {
        try
        {
            await StandaloneServer.EventuallyAsync(probe, TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            // Reported by the cells that expected it.
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var stream in UserStreams.Values.Concat(PublicStreams.Values))
        {
            await stream.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<StandaloneServer> StartAsync()
    {
        var server = await StandaloneServer.StartAsync(TwoInstances.Settings());
        _servers.Add(server);
        return server;
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> AccountIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!["id"]!.GetValue<string>();

    /// <summary>The text of a page of statuses or notifications (contents joined), or "" when the request is refused.</summary>
    public static async Task<string> TextsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
    }

    /// <summary>The payloads of every frame a stream received so far, joined.</summary>
    public static string Frames(IEnumerable<JsonObject> frames) =>
        string.Join('\n', frames.Select(f => f["payload"]?.GetValue<string>() ?? ""));

    /// <summary>Whether a server has stored a status it was sent (delivered to it).</summary>
    public static async Task<bool> KnowsAsync(StandaloneServer server, JsonObject post) =>
        await server.Services.GetRequiredService<StatusService>().FindByUriAsync(post["uri"]!.GetValue<string>(), CancellationToken.None) is { DeletedAt: null };

    /// <summary>GETs an ActivityPub document of the main instance, unsigned or signed as a remote viewer; the body when 200, else null.</summary>
    public async Task<string?> FetchActivityPubAsync(string url, Viewer viewer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/activity+json"));
        if (viewer != Viewer.Anonymous)
        {
            Remote[viewer].Actor.SignFetch(request);
        }

        using var response = await Main.Client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
    }
}
