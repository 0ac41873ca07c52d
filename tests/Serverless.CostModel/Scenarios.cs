using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Serverless.CostModel;

/// <summary>
/// The calls the cost model prices, each driven over HTTP as a client or a remote server would
/// make it. <see cref="RunAllAsync"/> runs them in order on one instance on Cosmos DB, with a
/// peer on the embedded store for federation.
/// </summary>
public sealed class Scenarios(CostHarness harness, Instance? peer = null)
{
    /// <summary>A 1×1 PNG, the smallest image the media pipeline takes.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private Instance Local => harness.Instance;

    /// <summary>Local followers of the author in the fan-out scenarios.</summary>
    public int Followers { get; init; } = 10;

    /// <summary>Statuses each of the home timeline's four authors posts before the page is read.</summary>
    public int StatusesPerAuthor { get; init; } = 12;

    public async Task RunAllAsync(CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(peer);

        // The first request creates the database and containers; not a cost of any call.
        await Local.SignUpAsync("warmup", ct);

        // Sign-up: the account creation alone (the app and its token come before).
        var appToken = await Local.AppTokenAsync(ct);
        User alice = null!;
        await harness.MeasureAsync("Sign up (POST /api/v1/accounts, then verify_credentials)", cold: false,
            async () => alice = await Local.RegisterAsync(appToken, "alice", ct), ct);
        await harness.MeasureAsync("verify_credentials", cold: true, () => Get(alice, "/api/v1/accounts/verify_credentials", ct), ct);
        await harness.MeasureAsync("verify_credentials", cold: false, () => Get(alice, "/api/v1/accounts/verify_credentials", ct), ct);

        // Followers of Alice; the first follow is measured.
        var followers = new List<User>();
        for (var i = 0; i < Followers; i++)
        {
            followers.Add(await Local.SignUpAsync($"f{i}", ct));
        }

        await harness.MeasureAsync("Follow a local account", cold: true, () => Post(followers[0], $"/api/v1/accounts/{alice.Id}/follow", [], ct), ct);
        foreach (var follower in followers.Skip(1))
        {
            await Post(follower, $"/api/v1/accounts/{alice.Id}/follow", [], ct);
        }

        // Posting, with no followers and with some (each follower's home gets the status).
        var solo = await Local.SignUpAsync("solo", ct);
        await harness.MeasureAsync("Post a status, no followers", cold: true,
            () => Post(solo, "/api/v1/statuses", new JsonObject { ["status"] = "Nobody reads this yet" }, ct), ct);
        JsonObject status = null!;
        await harness.MeasureAsync($"Post a status, {Followers} local followers", cold: true,
            async () => status = await Post(alice, "/api/v1/statuses", new JsonObject { ["status"] = "Hello, followers #costmodel" }, ct), ct);
        var statusId = status["id"]!.GetValue<string>();

        string mediaId = null!;
        await harness.MeasureAsync("Upload an image (POST /api/v1/media)", cold: true, async () => mediaId = await UploadAsync(alice, ct), ct);
        await harness.MeasureAsync($"Post a status with the image, {Followers} local followers", cold: true,
            () => Post(alice, "/api/v1/statuses", new JsonObject { ["status"] = "A picture", ["media_ids"] = new JsonArray(mediaId) }, ct), ct);

        // A reader's home: Alice and three more authors (statuses, a reply, a reblog in it).
        var reader = followers[0];
        await SeedHomeAsync(reader, ct);
        await HomeTimelineAsync(reader, cold: true, ct);
        await HomeTimelineAsync(reader, cold: false, ct);
        await harness.MeasureAsync("Public timeline page (40)", cold: true, () => Get(reader, "/api/v1/timelines/public?limit=40", ct), ct);
        await harness.MeasureAsync("Public timeline page (40)", cold: false, () => Get(reader, "/api/v1/timelines/public?limit=40", ct), ct);

        // A status with replies, opened with its context.
        await Post(followers[1], "/api/v1/statuses", new JsonObject { ["status"] = "A reply", ["in_reply_to_id"] = statusId }, ct);
        await Post(followers[2], "/api/v1/statuses", new JsonObject { ["status"] = "Another reply", ["in_reply_to_id"] = statusId }, ct);
        await harness.MeasureAsync("A status and its context (2 replies)", cold: true, async () =>
        {
            await Get(reader, $"/api/v1/statuses/{statusId}", ct);
            await Get(reader, $"/api/v1/statuses/{statusId}/context", ct);
        }, ct);

        await harness.MeasureAsync("Favourite (notifies the author)", cold: true, () => Post(followers[3], $"/api/v1/statuses/{statusId}/favourite", [], ct), ct);
        await harness.MeasureAsync("Reblog (fan-out to the reblogger's followers: 0 here)", cold: true, () => Post(followers[4], $"/api/v1/statuses/{statusId}/reblog", [], ct), ct);
        await harness.MeasureAsync("Notifications page (40)", cold: true, () => Get(alice, "/api/v1/notifications?limit=40", ct), ct);
        await harness.MeasureAsync("Notifications page (40)", cold: false, () => Get(alice, "/api/v1/notifications?limit=40", ct), ct);

        await FederationAsync(followers, ct);
    }

    /// <summary>Four authors the reader follows post <see cref="StatusesPerAuthor"/> statuses each (not measured); returns the authors.</summary>
    public async Task<IReadOnlyList<User>> SeedHomeAsync(User reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var authors = new List<User>();
        for (var i = 0; i < 4; i++)
        {
            var author = await Local.SignUpAsync($"author{i}_{reader.Username}", ct);
            await Post(reader, $"/api/v1/accounts/{author.Id}/follow", [], ct);
            authors.Add(author);
        }

        await PostManyAsync(authors, StatusesPerAuthor, ct);
        await Local.WaitForQueuesAsync(harness.Quiet, ct);
        return authors;
    }

    /// <summary>Each author posts <paramref name="count"/> more statuses (not measured).</summary>
    public static async Task PostManyAsync(IReadOnlyList<User> authors, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(authors);
        for (var n = 0; n < count; n++)
        {
            foreach (var author in authors)
            {
                await Post(author, "/api/v1/statuses", new JsonObject { ["status"] = $"Status {n.ToString(CultureInfo.InvariantCulture)} by {author.Username}, with a few words to make it look like a post" }, ct);
            }
        }
    }

    /// <summary>GET /api/v1/timelines/home?limit=<paramref name="limit"/> for <paramref name="reader"/>, which must fill the page.</summary>
    public Task<CallCost> HomeTimelineAsync(User reader, bool cold, CancellationToken ct, int limit = 40)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var size = limit.ToString(CultureInfo.InvariantCulture);
        return harness.MeasureAsync($"Home timeline page ({size})", cold, async () =>
        {
            var page = await Instance.GetAsync<JsonArray>(reader.Client, $"/api/v1/timelines/home?limit={size}", ct);
            if (page.Count < limit)
            {
                throw new InvalidOperationException($"The home timeline held {page.Count} statuses, fewer than a page of {size}.");
            }
        }, ct);
    }

    /// <summary>
    /// A remote author's post delivered to this instance's inbox and fanned out to its local
    /// followers (1 and <see cref="Followers"/>), and a local post delivered to remote followers.
    /// </summary>
    private async Task FederationAsync(List<User> locals, CancellationToken ct)
    {
        var remote = peer!;
        var bob = await remote.SignUpAsync("bob", ct);
        var dan = await remote.SignUpAsync("dan", ct);
        var bobHere = await ResolveAsync(locals[0], $"bob@{remote.Domain}", ct);
        var danHere = await ResolveAsync(locals[0], $"dan@{remote.Domain}", ct);
        foreach (var local in locals)
        {
            await FollowRemoteAsync(local, bobHere, ct);
        }

        await FollowRemoteAsync(locals[0], danHere, ct);
        await remote.WaitForQueuesAsync(harness.Quiet, ct);

        // A Create from the peer: measured from the post on the peer until this instance is idle.
        async Task Delivered(User author, string text)
        {
            await Post(author, "/api/v1/statuses", new JsonObject { ["status"] = text }, ct);
            await remote.WaitForQueuesAsync(harness.Quiet, ct);
        }

        await harness.MeasureAsync("Remote post delivered to the inbox, 1 local follower", cold: true, () => Delivered(dan, "From the peer to one follower"), ct);
        await harness.MeasureAsync($"Remote post delivered to the inbox, {locals.Count} local followers", cold: true, () => Delivered(bob, "From the peer to many followers"), ct);
        await EnsureArrivedAsync(locals[^1], "From the peer to many followers", ct);

        // A local author whose followers are all on the peer: one delivery to its shared inbox.
        var carol = await Local.SignUpAsync("carol", ct);
        for (var i = 0; i < 3; i++)
        {
            var follower = await remote.SignUpAsync($"r{i}", ct);
            var carolThere = await ResolveAsync(follower, $"carol@{Local.Domain}", ct);
            await FollowRemoteAsync(follower, carolThere, ct);
        }

        await Local.WaitForQueuesAsync(harness.Quiet, ct);
        await harness.MeasureAsync("Local post delivered to remote followers (3, on one server)", cold: true,
            () => Post(carol, "/api/v1/statuses", new JsonObject { ["status"] = "To my followers elsewhere" }, ct), ct,
            note: "One delivery to the peer's shared inbox.");
    }

    private static async Task EnsureArrivedAsync(User user, string text, CancellationToken ct)
    {
        var home = await Instance.GetAsync<JsonArray>(user.Client, "/api/v1/timelines/home?limit=40", ct);
        if (!home.OfType<JsonObject>().Any(s => (s["content"]?.GetValue<string>() ?? "").Contains(text, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The delivered post '{text}' is not on {user.Username}'s home timeline.");
        }
    }

    private static async Task<string> ResolveAsync(User user, string handle, CancellationToken ct)
    {
        var results = await Instance.GetAsync<JsonObject>(user.Client, $"/api/v2/search?q={Uri.EscapeDataString("@" + handle)}&resolve=true&type=accounts", ct);
        return results["accounts"]!.AsArray().Single()!["id"]!.GetValue<string>();
    }

    private static async Task FollowRemoteAsync(User user, string accountId, CancellationToken ct)
    {
        await Post(user, $"/api/v1/accounts/{accountId}/follow", [], ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var relationships = await Instance.GetAsync<JsonArray>(user.Client, $"/api/v1/accounts/relationships?id[]={accountId}", ct);
            if (relationships[0]!["following"]!.GetValue<bool>())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{user.Username}'s follow of {accountId} was not accepted.");
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> UploadAsync(User user, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "pixel.png");
        using var response = await user.Client.PostAsync(new Uri("/api/v1/media", UriKind.Relative), form, ct);
        return (await Instance.ReadAsync(response, "POST", "/api/v1/media", ct))["id"]!.GetValue<string>();
    }

    private static Task<JsonObject> Post(User user, string path, JsonObject body, CancellationToken ct) => Instance.PostAsync(user.Client, path, body, ct);

    private static Task<JsonNode> Get(User user, string path, CancellationToken ct) => Instance.GetAsync<JsonNode>(user.Client, path, ct);
}
