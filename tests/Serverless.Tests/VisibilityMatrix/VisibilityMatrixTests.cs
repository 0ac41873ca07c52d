using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Tests.Federation;
using static Serverless.Tests.VisibilityMatrix.Viewer;

namespace Serverless.Tests.VisibilityMatrix;

/// <summary>
/// Who sees what: every visibility × every path × every kind of viewer, each cell a real request
/// (or a real stream frame, or a real delivery) against four federated standalone instances set
/// up by <see cref="VisibilityWorld"/>.
/// </summary>
/// <remarks>
/// A row lists, per viewer column (the order of <see cref="Viewer"/>), the author's posts the viewer
/// sees: <c>P</c> public, <c>U</c> unlisted, <c>F</c> followers-only, <c>D</c> direct, <c>-</c> none,
/// <c>·</c> not asked (the path does not exist for that viewer: a remote account has no list on our
/// server, a browser page has no signed-in viewer). Remote viewers are asked on their own server
/// (their home, notifications, search) or through signed fetches from ours. Each test prints the
/// whole observed row when a cell differs.
/// </remarks>
public sealed class VisibilityMatrixTests(VisibilityWorld world) : IClassFixture<VisibilityWorld>
{
    private const string NotAsked = "·";

    //                                             Anonymous Follower Stranger Mentioned Blocked Muted  RemoteFollower RemoteMentioned DomainBlocked SuspendedDomain
    private static readonly string[] Home = ["-", "PUF", "-", "-", "-", "-", "PUF", "-", "-", "-"];

    private static readonly string[] PublicTimeline = ["P", "P", "P", "P", "-", "-", "P", "P", "-", "-"];

    private static readonly string[] TagTimeline = ["P", "P", "P", "P", "-", "-", "P", "P", "-", "-"];

    private static readonly string[] ListTimeline = [NotAsked, "PUF", "-", "-", "-", "-", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] AccountTimeline = ["PU", "PUF", "PU", "PUFD", "-", "PUF", "PUF", "PUFD", "-", "-"];

    private static readonly string[] StatusShow = ["PU", "PUF", "PU", "PUFD", "-", "PUF", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] Context = ["PU", "PUF", "PU", "PUFD", "-", "-", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] FavouritedBy = ["PU", "PUF", "PU", "PUFD", "-", "PUF", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] Search = ["-", "PUF", "PU", "PUFD", "-", "-", "PUF", "PUFD", "-", "-"];

    private static readonly string[] Notifications = ["-", "PUF", "-", "PUFD", "-", "-", "-", "PUFD", "-", "-"];

    private static readonly string[] UserStream = [NotAsked, "PUF", "-", "-", "-", "-", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] UserStreamNotifications = [NotAsked, "PUF", "-", "PUFD", "-", "-", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] PublicStream = ["-", "P", "P", "P", "-", "-", NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] ActivityPubObject = ["PU", NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, "PUF", "PUFD", "-", "-"];

    private static readonly string[] ActivityPubOutbox = ["PU", NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, "PUF", "PU", "-", "-"];

    private static readonly string[] StatusPages = ["PU", NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] ProfilePage = ["PU", NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked];

    private static readonly string[] Delivery = [NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, NotAsked, "PUFD", "PUFD", "-", "-"];

    private static readonly Viewer[] AllViewers = Enum.GetValues<Viewer>();

    [Fact]
    public Task Home_timelines() => CheckAsync("home", Home, v =>
        IsRemote(v) ? TextAsync(world.Remote[v].Client, "/api/v1/timelines/home?limit=40") : TextAsync(world.Clients[v], "/api/v1/timelines/home?limit=40"));

    [Fact]
    public Task Public_timelines() => CheckAsync("public", PublicTimeline, v =>
        IsRemote(v) ? TextAsync(world.Remote[v].Client, "/api/v1/timelines/public?remote=true&limit=40") : TextAsync(world.Clients[v], "/api/v1/timelines/public?local=true&limit=40"));

    [Fact]
    public Task Tag_timelines() => CheckAsync("tag", TagTimeline, v =>
        TextAsync(IsRemote(v) ? world.Remote[v].Client : world.Clients[v], "/api/v1/timelines/tag/matrix?limit=40"));

    [Fact]
    public Task List_timelines() => CheckAsync("list", ListTimeline, v =>
        v is Anonymous || IsRemote(v) ? Task.FromResult<string?>(null) : TextAsync(world.Clients[v], $"/api/v1/timelines/list/{world.Lists[v]}?limit=40"));

    [Fact]
    public Task Account_timelines() => CheckAsync("account", AccountTimeline, async v =>
    {
        if (!IsRemote(v))
        {
            return await TextAsync(world.Clients[v], $"/api/v1/accounts/{world.AuthorId}/statuses?limit=40");
        }

        // The author's posts as the viewer's own server shows them.
        var client = world.Remote[v].Client;
        var found = await client.GetFromJsonAsync<JsonObject>($"/api/v2/search?q={Uri.EscapeDataString("@" + TwoInstances.Handle(world.Main, "alice"))}&type=accounts");
        return found!["accounts"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>() is { } id
            ? await TextAsync(client, $"/api/v1/accounts/{id}/statuses?limit=40")
            : "";
    });

    [Fact]
    public Task Statuses() => CheckAsync("status", StatusShow, v => IsRemote(v) ? Task.FromResult<string?>(null) : PerPostAsync(world.Clients[v], id => $"/api/v1/statuses/{id}"));

    [Fact]
    public Task Contexts() => CheckAsync("context", Context, async v =>
    {
        if (IsRemote(v))
        {
            return null;
        }

        // The author's replies in someone else's thread, as descendants of its root.
        var text = await TextOfAsync(world.Clients[v], $"/api/v1/statuses/{world.RootId}/context");
        return text.Replace("thread-", "matrix-", StringComparison.Ordinal);
    });

    [Fact]
    public Task Favourited_by() => CheckAsync("favourited_by", FavouritedBy, v => IsRemote(v) ? Task.FromResult<string?>(null) : PerPostAsync(world.Clients[v], id => $"/api/v1/statuses/{id}/favourited_by"));

    [Fact]
    public Task Search_by_url() => CheckAsync("search", Search, async v =>
    {
        var client = IsRemote(v) ? world.Remote[v].Client : world.Clients[v];
        var text = new StringBuilder();
        foreach (var visibility in VisibilityWorld.Visibilities)
        {
            var url = Uri.EscapeDataString(world.Posts[visibility]["url"]!.GetValue<string>());
            text.Append(await TextAsync(client, $"/api/v2/search?q={url}&type=statuses&resolve=true"));
        }

        return text.ToString();
    });

    [Fact]
    public Task Notifications_() => CheckAsync("notifications", Notifications, v =>
        TextAsync(IsRemote(v) ? world.Remote[v].Client : world.Clients[v], "/api/v1/notifications?limit=40"));

    [Fact]
    public Task User_streams() => CheckAsync("user stream updates", UserStream, async v =>
        v is Anonymous || IsRemote(v) ? null : VisibilityWorld.Frames((await world.UserStreams[v].DrainAsync()).Where(f => Event(f) == "update")));

    [Fact]
    public Task User_stream_notifications() => CheckAsync("user stream notifications", UserStreamNotifications, async v =>
        v is Anonymous || IsRemote(v) ? null : VisibilityWorld.Frames((await world.UserStreams[v].DrainAsync()).Where(f => Event(f) == "notification")));

    [Fact]
    public Task Public_streams() => CheckAsync("public stream", PublicStream, async v =>
        IsRemote(v) ? null : v is Anonymous ? (world.AnonymousStreamRefused ? "" : null) : VisibilityWorld.Frames(await world.PublicStreams[v].DrainAsync()));

    [Fact]
    public Task ActivityPub_objects() => CheckAsync("activitypub object", ActivityPubObject, async v =>
    {
        if (!IsRemote(v) && v is not Anonymous)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var visibility in VisibilityWorld.Visibilities)
        {
            text.Append(await world.FetchActivityPubAsync(world.Posts[visibility]["uri"]!.GetValue<string>(), v));
        }

        return text.ToString();
    });

    [Fact]
    public Task ActivityPub_outbox() => CheckAsync("activitypub outbox", ActivityPubOutbox, async v =>
        !IsRemote(v) && v is not Anonymous ? null : await world.FetchActivityPubAsync($"http://127.0.0.1:{world.Main.Port}/users/alice/outbox?page=true", v) ?? "");

    [Fact]
    public Task Status_pages() => CheckAsync("status page", StatusPages, async v =>
    {
        if (v is not Anonymous)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var visibility in VisibilityWorld.Visibilities)
        {
            using var response = await world.Main.Client.GetAsync(new Uri(world.Posts[visibility]["url"]!.GetValue<string>()).PathAndQuery);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                text.Append(await response.Content.ReadAsStringAsync());
            }
        }

        return text.ToString();
    });

    [Fact]
    public Task Profile_page() => CheckAsync("profile page", ProfilePage, v =>
        v is Anonymous ? TextAsync(world.Main.Client, "/@alice") : Task.FromResult<string?>(null));

    [Fact]
    public Task Delivery_audiences() => CheckAsync("delivery", Delivery, async v =>
    {
        if (!IsRemote(v))
        {
            return null;
        }

        var seen = new StringBuilder();
        foreach (var visibility in VisibilityWorld.Visibilities)
        {
            if (await VisibilityWorld.KnowsAsync(world.Remote[v].Server, world.Posts[visibility]))
            {
                seen.Append(VisibilityWorld.Marker(visibility));
            }
        }

        return seen.ToString();
    });

    private static string? Event(JsonObject frame) => frame["event"]?.GetValue<string>();

    private static bool IsRemote(Viewer viewer) => VisibilityWorld.RemoteViewers.Contains(viewer);

    private static async Task<string?> TextAsync(HttpClient client, string path) => await VisibilityWorld.TextsAsync(client, path);

    private static async Task<string> TextOfAsync(HttpClient client, string path) => await VisibilityWorld.TextsAsync(client, path);

    /// <summary>Each post's own URL (a status, its favourited_by): the bodies of those that answer 200, joined.</summary>
    private async Task<string?> PerPostAsync(HttpClient client, Func<string, string> path)
    {
        var text = new StringBuilder();
        foreach (var visibility in VisibilityWorld.Visibilities)
        {
            using var response = await client.GetAsync(path(world.Posts[visibility]["id"]!.GetValue<string>()));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // favourited_by lists accounts, not the status: name the post that answered.
                text.Append(VisibilityWorld.Marker(visibility));
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path("…")} for a hidden post answers 404, not {(int)response.StatusCode}");
            }
        }

        return text.ToString();
    }


    private static string Letters(string text)
    {
        var letters = new StringBuilder();
        foreach (var (visibility, letter) in VisibilityWorld.Visibilities.Zip("PUFD"))
        {
            if (text.Contains(VisibilityWorld.Marker(visibility), StringComparison.Ordinal))
            {
                letters.Append(letter);
            }
        }

        return letters.Length == 0 ? "-" : letters.ToString();
    }

    private static async Task CheckAsync(string path, string[] expected, Func<Viewer, Task<string?>> observe)
    {
        var observed = new string[AllViewers.Length];
        foreach (var viewer in AllViewers)
        {
            observed[(int)viewer] = await observe(viewer) is { } text ? Letters(text) : NotAsked;
        }

        var row = string.Join(" | ", AllViewers.Select(v => $"{v}: {observed[(int)v]}"));
        for (var i = 0; i < AllViewers.Length; i++)
        {
            Assert.True(expected[i] == observed[i], $"{path}, {AllViewers[i]}: expected {expected[i]}, saw {observed[i]}.\nObserved row: {row}");
        }
    }
}
