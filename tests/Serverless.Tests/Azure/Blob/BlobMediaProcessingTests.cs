using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Azure.Blob;
using Serverless.Core.Configuration;
using Serverless.Core.Media;
using Serverless.Embedded;
using Serverless.Mastodon;
using Serverless.Mastodon.Http;
using Serverless.Tests.EndToEnd;
using Serverless.Tests.Media;
using SkiaSharp;

namespace Serverless.Tests.Azure.Blob;

/// <summary>
/// The media path with media in Blob Storage (Azurite): uploads through the Mastodon API, the
/// <c>media</c> queue's processing (MediaService + MediaProcessingHandler), and the files served
/// back at <c>/system/…</c> from the container, on a host like the standalone one whose only
/// Azure adapter is the Blob store.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobMediaProcessingTests(AzuriteServer azurite) : IAsyncLifetime, IDisposable
{
    private readonly string _container = AzuriteServer.NewContainerName();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("serverless-blob-").FullName;
    private WebApplication _app = null!;
    private readonly HttpClient _client = new();

    private BlobMediaStore Store => _app.Services.GetRequiredService<BlobMediaStore>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediaStorage"] = azurite.ConnectionString,
            ["MEDIA_CONTAINER"] = _container,
        });

        // The port is known only once Kestrel listens: LOCAL_DOMAIN is only used for URLs, which
        // the tests read relative to the host, so a placeholder is enough until then.
        var options = new InstanceOptions { LocalDomain = "127.0.0.1", LocalHttps = false, DataDirectory = _dataDirectory, RateLimitRequests = 0 };
        builder.Services.AddServerlessApplication(options);
        builder.Services.AddBlobMediaStore(BlobMediaOptions.FromConfiguration(builder.Configuration));
        builder.Services.AddEmbeddedAdapters(options, runQueuePump: true);
        _app = builder.Build();
        _app.Run(_app.Services.GetRequiredService<Dispatcher>().DispatchAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client.BaseAddress = new Uri(address);
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_container_is_created_at_startup_for_Azurite()
    {
        Assert.True(await azurite.ServiceClient().GetBlobContainerClient(_container).ExistsAsync());
    }

    [Fact]
    public async Task A_queued_upload_is_processed_from_the_container_into_served_blobs_and_its_private_copy_removed()
    {
        using var alice = await SignUpAsync("alice");
        var (status, media) = await UploadAsync(alice, "/api/v2/media", TestImages.Jpeg(2400, 1600), "big.jpg");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = media["id"]!.GetValue<string>();

        var ready = await StandaloneServer.EventuallyAsync(async () =>
        {
            using var response = await alice.GetAsync($"/api/v1/media/{id}");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }, TimeSpan.FromSeconds(60));

        // The files are blobs in the container with their type and immutable caching…
        var record = (await _app.Services.GetRequiredService<MediaService>().ProcessAsync(id, CancellationToken.None))!;
        Assert.Equal(MediaStates.Ready, record.State);
        foreach (var key in new[] { record.FileKey!, record.PreviewKey! })
        {
            BlobProperties properties = await Store.Container.GetBlobClient(key).GetPropertiesAsync();
            Assert.Equal("image/jpeg", properties.ContentType);
            Assert.Equal("public, max-age=31536000, immutable", properties.CacheControl);
        }

        // …the upload as it came (EXIF and all) is gone from the container…
        Assert.False(await Store.Container.GetBlobClient(MediaKeys.Upload(id)).ExistsAsync());

        // …and the URLs clients get are served by the app from the container, ranges included.
        var url = new Uri(ready["url"]!.GetValue<string>());
        Assert.StartsWith("/system/media_attachments/files/", url.AbsolutePath, StringComparison.Ordinal);
        var original = await _client.GetByteArrayAsync(url.PathAndQuery);
        var expected = ImageLimits.Fit(2400, 1600, ImageLimits.OriginalPixels);
        using (var bitmap = SKBitmap.Decode(original))
        {
            Assert.Equal(expected, (bitmap.Width, bitmap.Height));
        }

        using var range = new HttpRequestMessage(HttpMethod.Get, url.PathAndQuery);
        range.Headers.Range = new RangeHeaderValue(10, 19);
        using var partial = await _client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(original[10..20], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, max-age=31536000, immutable", partial.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task A_deleted_upload_leaves_no_blob_behind_and_private_uploads_are_not_served()
    {
        using var alice = await SignUpAsync("bob");
        var (status, media) = await UploadAsync(alice, "/api/v1/media", TestImages.Png(32, 32), "small.png");
        Assert.Equal(HttpStatusCode.OK, status);
        var id = media["id"]!.GetValue<string>();
        var record = (await _app.Services.GetRequiredService<MediaService>().ProcessAsync(id, CancellationToken.None))!;
        Assert.True(await Store.Container.GetBlobClient(record.FileKey).ExistsAsync());

        // A blob under the private prefix exists in the container but the route never serves it.
        await Store.PutAsync(MediaKeys.Upload("999"), new MemoryStream([1, 2, 3]), "image/png", CancellationToken.None);
        using (var hidden = await _client.GetAsync($"/system/{MediaKeys.Upload("999")}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        using (var deleted = await alice.DeleteAsync($"/api/v1/media/{id}"))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"DELETE answered {(int)deleted.StatusCode}");
        }

        Assert.False(await Store.Container.GetBlobClient(record.FileKey).ExistsAsync());
        Assert.False(await Store.Container.GetBlobClient(record.PreviewKey).ExistsAsync());
        using var gone = await _client.GetAsync(new Uri(media["url"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<HttpClient> SignUpAsync(string username)
    {
        var app = await StandaloneServer.PostJsonAsync(_client, "/api/v1/apps", new JsonObject { ["client_name"] = "tests", ["redirect_uris"] = "urn:ietf:wg:oauth:2.0:oob", ["scopes"] = "read write" });
        var appToken = await StandaloneServer.PostJsonAsync(_client, "/oauth/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app["client_id"]!.GetValue<string>(),
            ["client_secret"] = app["client_secret"]!.GetValue<string>(),
            ["scope"] = "read write",
        });
        using var asApp = Authorized(appToken["access_token"]!.GetValue<string>());
        var userToken = await StandaloneServer.PostJsonAsync(asApp, "/api/v1/accounts", new JsonObject
        {
            ["username"] = username,
            ["email"] = $"{username}@example.com",
            ["password"] = "a long enough password",
            ["agreement"] = true,
        });
        return Authorized(userToken["access_token"]!.GetValue<string>());
    }

    private HttpClient Authorized(string token)
    {
        var client = new HttpClient { BaseAddress = _client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonObject Media)> UploadAsync(HttpClient client, string path, byte[] file, string name)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", name);
        using var response = await client.PostAsync(path, form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }
}
