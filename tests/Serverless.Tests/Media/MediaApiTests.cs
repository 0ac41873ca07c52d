using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Errors;
using Serverless.Core.Media;
using Serverless.Tests.EndToEnd;
using SkiaSharp;

namespace Serverless.Tests.Media;

/// <summary>The media API and the media files over real HTTP against the standalone host.</summary>
public sealed class MediaApiTests : IAsyncLifetime
{
    private StandaloneServer _server = null!;

    public async Task InitializeAsync() => _server = await StandaloneServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_small_image_is_processed_at_once_and_served_with_its_preview()
    {
        var (alice, _) = await _server.SignUpAsync("alice");
        var (status, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(64, 48), "tiny.png", "image/png", new() { ["description"] = "A gradient", ["focus"] = "0.5,-0.25" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image", media["type"]!.GetValue<string>());
        Assert.Equal("A gradient", media["description"]!.GetValue<string>());
        Assert.Equal(64, media["meta"]!["original"]!["width"]!.GetValue<int>());
        Assert.Equal(48, media["meta"]!["original"]!["height"]!.GetValue<int>());
        Assert.Equal("64x48", media["meta"]!["original"]!["size"]!.GetValue<string>());
        Assert.Equal(64.0 / 48, media["meta"]!["original"]!["aspect"]!.GetValue<double>(), 5);
        Assert.Equal(0.5, media["meta"]!["focus"]!["x"]!.GetValue<double>());
        Assert.Equal(-0.25, media["meta"]!["focus"]!["y"]!.GetValue<double>());
        Assert.Equal(36, media["blurhash"]!.GetValue<string>().Length);

        var url = media["url"]!.GetValue<string>();
        Assert.StartsWith(_server.Client.BaseAddress!.ToString().TrimEnd('/') + "/system/media_attachments/", url, StringComparison.Ordinal);
        using var file = await _server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", file.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        var served = TestImages.Inspect(await file.Content.ReadAsByteArrayAsync());
        Assert.Equal((SKEncodedImageFormat.Png, 64, 48), (served.Format, served.Width, served.Height));

        using var preview = await _server.Client.GetAsync(media["preview_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal((64, 48), Size(await preview.Content.ReadAsByteArrayAsync()));

        // GET answers 200 for a ready upload.
        using var shown = await alice.GetAsync($"/api/v1/media/{media["id"]}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
    }

    [Fact]
    public async Task A_large_image_answers_202_then_206_until_the_queue_has_processed_it()
    {
        var (alice, _) = await _server.SignUpAsync("bob");
        var token = alice.DefaultRequestHeaders.Authorization!.Parameter!;

        // A web-only host: the media message waits in the durable queue.
        await _server.RestartAsync(new Dictionary<string, string?> { ["RUN_QUEUE_WORKERS"] = "false" });
        using var client = _server.Authorized(token);
        var (status, media) = await UploadAsync(client, "/api/v2/media", TestImages.Jpeg(4000, 3000), "big.jpg", "image/jpeg");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Null(media["url"]);
        var id = media["id"]!.GetValue<string>();

        using (var pending = await client.GetAsync($"/api/v1/media/{id}"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, pending.StatusCode);
            Assert.Null((await pending.Content.ReadFromJsonAsync<JsonObject>())!["url"]);
        }

        // Mastodon refuses to attach an upload that is still processing.
        var service = _server.Services.GetRequiredService<MediaService>();
        var accountId = await AccountIdAsync(client);
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => service.AttachAsync(accountId, [id], "1", CancellationToken.None));
        Assert.Equal("Cannot attach files that have not finished processing. Try again in a moment!", refused.Message);

        // The upload itself (which may carry GPS tags) is never served.
        using (var upload = await _server.Client.GetAsync($"/system/{MediaKeys.Upload(id)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }

        await _server.RestartAsync(new Dictionary<string, string?> { ["RUN_QUEUE_WORKERS"] = "true" });
        using var again = _server.Authorized(token);
        var ready = await StandaloneServer.EventuallyAsync(async () =>
        {
            using var response = await again.GetAsync($"/api/v1/media/{id}");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }, TimeSpan.FromSeconds(30));

        var expected = ImageLimits.Fit(4000, 3000, ImageLimits.OriginalPixels);
        var small = ImageLimits.Fit(4000, 3000, ImageLimits.SmallPixels);
        Assert.Equal(expected.Width, ready["meta"]!["original"]!["width"]!.GetValue<int>());
        Assert.Equal(expected.Height, ready["meta"]!["original"]!["height"]!.GetValue<int>());
        Assert.Equal(small.Width, ready["meta"]!["small"]!["width"]!.GetValue<int>());
        Assert.Equal(36, ready["blurhash"]!.GetValue<string>().Length);
        Assert.Equal(expected, Size(await _server.Client.GetByteArrayAsync(ready["url"]!.GetValue<string>())));
        Assert.Equal(small, Size(await _server.Client.GetByteArrayAsync(ready["preview_url"]!.GetValue<string>())));
        using (var upload = await _server.Client.GetAsync($"/system/{MediaKeys.Upload(id)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }
    }

    [Fact]
    public async Task EXIF_and_GPS_tags_never_reach_the_served_files_and_the_orientation_is_applied()
    {
        var (alice, _) = await _server.SignUpAsync("carol");
        var jpeg = TestImages.WithExif(TestImages.Jpeg(40, 20, quality: 100), orientation: 6);
        Assert.True(TestImages.Contains(jpeg, "SecretCam"));

        // v1 processes synchronously and answers 200 with the URL.
        var (status, media) = await UploadAsync(alice, "/api/v1/media", jpeg, "photo.jpg", "image/jpeg");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(20, media["meta"]!["original"]!["width"]!.GetValue<int>());
        Assert.Equal(40, media["meta"]!["original"]!["height"]!.GetValue<int>());

        foreach (var url in new[] { media["url"]!.GetValue<string>(), media["preview_url"]!.GetValue<string>() })
        {
            var served = await _server.Client.GetByteArrayAsync(url);
            Assert.False(TestImages.HasApp1(served), url);
            Assert.False(TestImages.Contains(served, "Exif"), url);
            Assert.False(TestImages.Contains(served, "SecretCam"), url);
            var info = TestImages.Inspect(served);
            Assert.Equal((SKEncodedImageFormat.Jpeg, 20, 40, SKEncodedOrigin.TopLeft), (info.Format, info.Width, info.Height, info.Origin));
        }
    }

    [Fact]
    public async Task Description_and_focus_are_updated_and_validated()
    {
        var (alice, _) = await _server.SignUpAsync("dave");
        var (_, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        var id = media["id"]!.GetValue<string>();

        using var updated = await alice.PutAsJsonAsync($"/api/v1/media/{id}", new JsonObject { ["description"] = "Now described", ["focus"] = "-1,1" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = (await updated.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Now described", body["description"]!.GetValue<string>());
        Assert.Equal(-1.0, body["meta"]!["focus"]!["x"]!.GetValue<double>());
        Assert.Equal(1.0, body["meta"]!["focus"]!["y"]!.GetValue<double>());

        // A form body works as well, and keeps the focus.
        using var form = await alice.PutAsync($"/api/v1/media/{id}", new FormUrlEncodedContent([new("description", "Form")]));
        var formBody = (await form.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Form", formBody["description"]!.GetValue<string>());
        Assert.Equal(-1.0, formBody["meta"]!["focus"]!["x"]!.GetValue<double>());

        using var tooLong = await alice.PutAsJsonAsync($"/api/v1/media/{id}", new JsonObject { ["description"] = new string('x', 1501) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Equal("Validation failed: Description is too long (maximum is 1500 characters)", await ErrorAsync(tooLong));

        using var badFocus = await alice.PutAsJsonAsync($"/api/v1/media/{id}", new JsonObject { ["focus"] = "2,0" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badFocus.StatusCode);

        using var thumbnailForm = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Png(5, 5)), "thumbnail", "t.png" } };
        using var thumbnailOnImage = await alice.PutAsync($"/api/v1/media/{id}", thumbnailForm);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, thumbnailOnImage.StatusCode);
        Assert.Equal("Validation failed: Thumbnail must be blank", await ErrorAsync(thumbnailOnImage));

        var unchanged = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/media/{id}");
        Assert.Equal("Form", unchanged!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_owner_sees_an_upload_and_unknown_ids_are_404()
    {
        var (alice, _) = await _server.SignUpAsync("erin");
        var (mallory, _) = await _server.SignUpAsync("mallory");
        var (_, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        var id = media["id"]!.GetValue<string>();

        using var other = await mallory.GetAsync($"/api/v1/media/{id}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("Record not found", await ErrorAsync(other));
        using var otherPut = await mallory.PutAsJsonAsync($"/api/v1/media/{id}", new JsonObject { ["description"] = "mine now" });
        Assert.Equal(HttpStatusCode.NotFound, otherPut.StatusCode);
        using var otherDelete = await mallory.DeleteAsync($"/api/v1/media/{id}");
        Assert.Equal(HttpStatusCode.NotFound, otherDelete.StatusCode);
        using var unknown = await alice.GetAsync("/api/v1/media/123456789");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var garbage = await alice.GetAsync("/api/v1/media/not-an-id");
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);

        using var anonymous = await _server.Client.GetAsync($"/api/v1/media/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var (reader, _) = await _server.SignUpAsync("reader", "read write:accounts");
        var (denied, _) = await UploadAsync(reader, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        Assert.Equal(HttpStatusCode.Forbidden, denied);
    }

    [Fact]
    public async Task Uploads_are_judged_by_content_not_by_name_or_declared_type()
    {
        var (alice, _) = await _server.SignUpAsync("frank");

        // Text pretending to be a PNG.
        var (status, body) = await UploadAsync(alice, "/api/v2/media", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "evil.png", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Validation failed: File content type is invalid", body["error"]!.GetValue<string>());

        // A PNG with a lying name and type is accepted as what it is.
        (status, body) = await UploadAsync(alice, "/api/v1/media", TestImages.Png(12, 8), "photo.jpg", "image/jpeg");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.EndsWith(".png", body["url"]!.GetValue<string>(), StringComparison.Ordinal);
        using var file = await _server.Client.GetAsync(body["url"]!.GetValue<string>());
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);

        // A header claiming 10000×10000 pixels is refused before anything is decoded.
        (status, body) = await UploadAsync(alice, "/api/v2/media", TestImages.PngHeaderOnly(10_000, 10_000), "bomb.png", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("10000x10000 images are not supported", body["error"]!.GetValue<string>());

        // A PNG header over garbage: refused at once where processed synchronously…
        (status, body) = await UploadAsync(alice, "/api/v1/media", TestImages.PngHeaderOnly(64, 64), "broken.png", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("File type of uploaded media could not be verified", body["error"]!.GetValue<string>());
        (status, _) = await UploadAsync(alice, "/api/v2/media", TestImages.PngHeaderOnly(64, 64), "broken.png", "image/png");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);

        // …and marked failed by the queue otherwise: GET then answers 422.
        (status, body) = await UploadAsync(alice, "/api/v2/media", TestImages.PngHeaderOnly(2000, 2000), "broken.png", "image/png");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body["id"]!.GetValue<string>();
        var failed = await StandaloneServer.EventuallyAsync(async () =>
        {
            var response = await alice.GetAsync($"/api/v1/media/{id}");
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                response.Dispose();
                return null;
            }

            return response;
        });
        using (failed)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
            Assert.Equal("Error processing thumbnail for uploaded media", await ErrorAsync(failed));
        }

        // No file at all.
        using var empty = await alice.PostAsync("/api/v2/media", new MultipartFormDataContent { { new StringContent("x"), "description" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("Validation failed: File can't be blank", await ErrorAsync(empty));

        // A thumbnail is only for audio and video.
        (status, body) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png", thumbnail: TestImages.Png(5, 5));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Validation failed: Thumbnail must be blank", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task GIFs_are_kept_when_animated_and_turned_into_PNG_when_still()
    {
        var (alice, _) = await _server.SignUpAsync("gina");
        var (status, animated) = await UploadAsync(alice, "/api/v1/media", TestImages.Gif(30, 20, 0, 1, 2), "anim.gif", "image/gif");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image", animated["type"]!.GetValue<string>());
        var gif = await _server.Client.GetByteArrayAsync(animated["url"]!.GetValue<string>());
        Assert.Equal((SKEncodedImageFormat.Gif, 3), (TestImages.Inspect(gif).Format, TestImages.Inspect(gif).Frames));
        Assert.False(TestImages.Contains(gif, "SecretComment"));
        Assert.False(TestImages.Contains(gif, "SecretXmp"));

        var (_, still) = await UploadAsync(alice, "/api/v2/media", TestImages.Gif(30, 20, 1), "still.gif", "image/gif");
        Assert.Equal(SKEncodedImageFormat.Png, TestImages.Inspect(await _server.Client.GetByteArrayAsync(still["url"]!.GetValue<string>())).Format);

        var (tooBig, body) = await UploadAsync(alice, "/api/v2/media", TestImages.Gif(1281, 720, 1), "big.gif", "image/gif");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooBig);
        Assert.Equal("1281x720 GIF files are not supported", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Video_is_stored_as_uploaded_and_served_with_byte_ranges()
    {
        var (alice, _) = await _server.SignUpAsync("hank");
        byte[] video = [0, 0, 0, 24, .. "ftypisom"u8.ToArray(), 0, 0, 2, 0, .. "isomiso2"u8.ToArray(), .. Enumerable.Range(0, 4000).Select(i => (byte)i)];
        var (status, media) = await UploadAsync(alice, "/api/v2/media", video, "clip.bin", "application/octet-stream", thumbnail: TestImages.Jpeg(1280, 720));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = media["id"]!.GetValue<string>();
        Assert.Equal("video", media["type"]!.GetValue<string>());

        var ready = await StandaloneServer.EventuallyAsync(async () =>
        {
            using var response = await alice.GetAsync($"/api/v1/media/{id}");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        });
        var url = ready["url"]!.GetValue<string>();
        Assert.EndsWith(".mp4", url, StringComparison.Ordinal);
        Assert.Equal(36, ready["blurhash"]!.GetValue<string>().Length);
        Assert.Equal((640, 360), Size(await _server.Client.GetByteArrayAsync(ready["preview_url"]!.GetValue<string>())));

        using var whole = await _server.Client.GetAsync(url);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal(video, await whole.Content.ReadAsByteArrayAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-199/{video.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(video[100..200], await part.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, url);
        beyond.Headers.Range = new RangeHeaderValue(video.Length + 10, null);
        using var unsatisfiable = await _server.Client.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);

        using var head = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(video.Length, head.Content.Headers.ContentLength);

        // A new thumbnail through PUT replaces the preview (and its blurhash).
        using var form = new MultipartFormDataContent();
        var thumbnail = new ByteArrayContent(TestImages.Png(300, 300));
        thumbnail.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(thumbnail, "thumbnail", "cover.png");
        using var put = await alice.PutAsync($"/api/v1/media/{id}", form);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = (await put.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotEqual(ready["preview_url"]!.GetValue<string>(), updated["preview_url"]!.GetValue<string>());
        Assert.Equal(300, updated["meta"]!["small"]!["width"]!.GetValue<int>());
        Assert.Equal((300, 300), Size(await _server.Client.GetByteArrayAsync(updated["preview_url"]!.GetValue<string>())));
        using var oldPreview = await _server.Client.GetAsync(ready["preview_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, oldPreview.StatusCode);
        Assert.Equal(url, updated["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Media_files_are_404_for_unknown_private_and_traversing_keys()
    {
        var (alice, _) = await _server.SignUpAsync("ivan");
        var (_, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        var path = new Uri(media["url"]!.GetValue<string>()).AbsolutePath;
        Assert.Equal(200, await RawGetStatusAsync(path));

        // The data directory holds documents.db and queues.db next to media/.
        foreach (var bad in new[]
        {
            "/system/media_attachments/files/nothing.png",
            "/system/../documents.db",
            "/system/%2e%2e/documents.db",
            "/system/..%2fdocuments.db",
            "/system/media_attachments/..%2f..%2fdocuments.db",
            "/system/%2e%2e%2f%2e%2e%2fdocuments.db",
            "/system/.types/" + path["/system/".Length..],
            "/system/" + path["/system/".Length..].Replace("/", "\\", StringComparison.Ordinal),
            "/system/incoming/" + media["id"]!.GetValue<string>() + "/file",
            "/system/",
        })
        {
            Assert.True(await RawGetStatusAsync(bad) is 404 or 400, bad);
        }
    }

    [Fact]
    public async Task An_unattached_upload_can_be_deleted_with_its_files()
    {
        var (alice, _) = await _server.SignUpAsync("judy");
        var (_, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        var id = media["id"]!.GetValue<string>();

        using var deleted = await alice.DeleteAsync($"/api/v1/media/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("{}", await deleted.Content.ReadAsStringAsync());
        using var gone = await alice.GetAsync($"/api/v1/media/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var file = await _server.Client.GetAsync(media["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
    }

    [Fact]
    public async Task Attaching_follows_Mastodons_rules()
    {
        var (alice, account) = await _server.SignUpAsync("kate");
        var accountId = account["id"]!.GetValue<string>();
        var service = _server.Services.GetRequiredService<MediaService>();
        var (_, first) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "a.png", "image/png");
        var (_, second) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(10, 10), "b.png", "image/png");
        byte[] video = [0, 0, 0, 16, .. "ftypisom"u8.ToArray(), 0, 0, 2, 0, 1, 2, 3, 4];
        var (_, clip) = await UploadAsync(alice, "/api/v1/media", video, "v.mp4", "video/mp4");
        var (firstId, secondId, clipId) = (first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>(), clip["id"]!.GetValue<string>());

        var mixed = await Assert.ThrowsAsync<ValidationFailedException>(() => service.AttachAsync(accountId, [firstId, clipId], "1", CancellationToken.None));
        Assert.Equal("Cannot attach a video to a post that already contains images", mixed.Message);

        var attached = await service.AttachAsync(accountId, [secondId, firstId], "1", CancellationToken.None);
        Assert.Equal([secondId, firstId], attached.Select(m => m.Id));
        Assert.All(attached, m => Assert.Equal("1", m.StatusId));

        // Attached media is out of the media API's reach (Mastodon finds only unattached uploads).
        using var shown = await alice.GetAsync($"/api/v1/media/{firstId}");
        Assert.Equal(HttpStatusCode.NotFound, shown.StatusCode);
        await Assert.ThrowsAsync<ValidationFailedException>(() => service.AttachAsync(accountId, [firstId], "2", CancellationToken.None));
        using var notDeletable = await alice.DeleteAsync($"/api/v1/media/{firstId}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notDeletable.StatusCode);
    }

    [Fact]
    public async Task A_status_posted_with_media_ids_shows_its_attachments_in_order()
    {
        var (alice, _) = await _server.SignUpAsync("liam");
        var (_, first) = await UploadAsync(alice, "/api/v2/media", TestImages.Png(20, 10), "a.png", "image/png", new() { ["description"] = "First" });
        var (_, second) = await UploadAsync(alice, "/api/v1/media", TestImages.Jpeg(10, 20), "b.jpg", "image/jpeg");
        var (firstId, secondId) = (first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());

        using var posted = await alice.PostAsync("/api/v1/statuses", new FormUrlEncodedContent([new("status", "With pictures"), new("media_ids[]", secondId), new("media_ids[]", firstId)]));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var status = (await posted.Content.ReadFromJsonAsync<JsonObject>())!;
        var attachments = status["media_attachments"]!.AsArray();
        Assert.Equal([secondId, firstId], attachments.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal(second["url"]!.GetValue<string>(), attachments[0]!["url"]!.GetValue<string>());
        Assert.Equal("First", attachments[1]!["description"]!.GetValue<string>());
        Assert.Equal(first["blurhash"]!.GetValue<string>(), attachments[1]!["blurhash"]!.GetValue<string>());

        var shown = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/statuses/{status["id"]}");
        Assert.Equal(2, shown!["media_attachments"]!.AsArray().Count);

        // An upload that did not finish processing (here: failed) cannot be attached, as in Mastodon.
        var (_, broken) = await UploadAsync(alice, "/api/v2/media", TestImages.PngHeaderOnly(2000, 2000), "broken.png", "image/png");
        var brokenId = broken["id"]!.GetValue<string>();
        await StandaloneServer.EventuallyAsync(async () =>
        {
            using var response = await alice.GetAsync($"/api/v1/media/{brokenId}");
            return response.StatusCode == HttpStatusCode.UnprocessableEntity ? response.StatusCode.ToString() : null;
        });
        using var refused = await alice.PostAsJsonAsync("/api/v1/statuses", new JsonObject { ["status"] = "Broken", ["media_ids"] = new JsonArray(brokenId) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("Cannot attach files that have not finished processing. Try again in a moment!", await ErrorAsync(refused));
    }

    private static async Task<string> AccountIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/accounts/verify_credentials"))!["id"]!.GetValue<string>();

    private static async Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(HttpClient client, string path, byte[] file, string fileName, string contentType, Dictionary<string, string>? fields = null, byte[]? thumbnail = null)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(content, "file", fileName);
        if (thumbnail is not null)
        {
            var thumb = new ByteArrayContent(thumbnail);
            thumb.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(thumb, "thumbnail", "thumb.jpg");
        }

        foreach (var (name, value) in fields ?? [])
        {
            form.Add(new StringContent(value), name);
        }

        using var response = await client.PostAsync(path, form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>();

    private static (int Width, int Height) Size(byte[] image)
    {
        var info = TestImages.Inspect(image);
        return (info.Width, info.Height);
    }

    /// <summary>A GET sent byte for byte, so that no client library normalises the path first.</summary>
    private async Task<int> RawGetStatusAsync(string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
        await using var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
