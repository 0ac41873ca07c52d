using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Configuration;
using Serverless.Azure.Blob;
using Serverless.Core.Configuration;

namespace Serverless.Tests.Azure.Blob;

/// <summary>The Blob media store against Azurite, its headers checked over plain HTTP.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobMediaStoreTests(AzuriteServer azurite)
{
    private static readonly InstanceOptions Instance = new() { LocalDomain = "social.example", LocalHttps = true };

    private static CancellationToken Ct => CancellationToken.None;

    private async Task<BlobMediaStore> NewStoreAsync(string? mediaBaseUrl = null, string? container = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediaStorage"] = azurite.ConnectionString,
            ["MEDIA_CONTAINER"] = container ?? AzuriteServer.NewContainerName(),
            ["MEDIA_BASE_URL"] = mediaBaseUrl,
        }).Build();
        var options = BlobMediaOptions.FromConfiguration(configuration);
        var store = new BlobMediaStore(BlobServiceCollectionExtensions.CreateContainerClient(options), options, Instance);
        await store.CreateContainerIfNotExistsAsync(Ct);
        return store;
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task Put_open_replace_and_delete_round_trip_with_the_content_type()
    {
        var store = await NewStoreAsync();
        const string Key = "media_attachments/files/109/abc/original.png";
        await store.PutAsync(Key, new MemoryStream("first"u8.ToArray()), "image/png", Ct);

        await using (var blob = await store.OpenReadAsync(Key, Ct))
        {
            Assert.NotNull(blob);
            Assert.Equal(("image/png", 5L), (blob.ContentType, blob.Length));
            Assert.Equal("first", await ReadAllAsync(blob.Content));
        }

        // A second put replaces both the bytes and the type.
        await store.PutAsync(Key, new MemoryStream("second!"u8.ToArray()), "image/webp", Ct);
        await using (var blob = await store.OpenReadAsync(Key, Ct))
        {
            Assert.Equal(("image/webp", 7L), (blob!.ContentType, blob.Length));
            Assert.Equal("second!", await ReadAllAsync(blob.Content));
        }

        Assert.True(await store.DeleteAsync(Key, Ct));
        Assert.Null(await store.OpenReadAsync(Key, Ct));
        Assert.False(await store.DeleteAsync(Key, Ct));
        Assert.False(await store.Container.GetBlobClient(Key).ExistsAsync(Ct));
    }

    [Fact]
    public async Task A_read_stream_seeks_so_the_system_route_can_answer_ranges()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("a/b.bin", new MemoryStream("0123456789"u8.ToArray()), "application/octet-stream", Ct);
        await using var blob = await store.OpenReadAsync("a/b.bin", Ct);
        Assert.True(blob!.Content.CanSeek);
        blob.Content.Seek(6, SeekOrigin.Begin);
        Assert.Equal("6789", await ReadAllAsync(blob.Content));
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("a/../../secret")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("")]
    [InlineData(".hidden/x")]
    [InlineData("a/b c")]
    [InlineData("a?b")]
    public async Task Keys_outside_the_media_rules_are_refused(string key)
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new MemoryStream([1]), "image/png", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key, Ct));
        Assert.Throws<ArgumentException>(() => store.GetPublicUrl(key));
        Assert.Null(await store.OpenReadAsync(key, Ct));
    }

    [Fact]
    public async Task Missing_blobs_open_as_null_and_bad_content_types_are_refused()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.OpenReadAsync("nothing/here.png", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("a/b.png", new MemoryStream([1]), "image/png\r\nX-Evil: 1", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("a/b.png", new MemoryStream([1]), " ", Ct));
    }

    [Fact]
    public async Task Storage_failures_surface_as_IOException_as_on_the_filesystem()
    {
        // The right endpoint with the wrong key: every request is refused with 403.
        var wrongKey = azurite.ConnectionString.Replace(AzuriteServer.AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var options = BlobMediaOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MediaStorage"] = wrongKey }).Build());
        var store = new BlobMediaStore(BlobServiceCollectionExtensions.CreateContainerClient(options), options, Instance);

        var put = await Assert.ThrowsAsync<IOException>(() => store.PutAsync("a/b.png", new MemoryStream([1]), "image/png", Ct));
        Assert.Contains("403", put.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => store.OpenReadAsync("a/b.png", Ct));
        await Assert.ThrowsAsync<IOException>(() => store.DeleteAsync("a/b.png", Ct));
    }

    [Fact]
    public async Task Azurite_serves_the_content_type_and_a_year_of_immutable_caching_but_uploads_awaiting_processing_are_not_cacheable()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("media_attachments/files/1/t/original.jpeg", new MemoryStream([0xFF, 0xD8, 0xFF]), "image/jpeg", Ct);
        await store.PutAsync("incoming/1/file", new MemoryStream([0xFF, 0xD8, 0xFF]), "image/jpeg", Ct);

        using var http = new HttpClient();
        using (var response = await http.GetAsync(ReadSas(store, "media_attachments/files/1/t/original.jpeg")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.ToString());
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.NonValidated["Cache-Control"].ToString());
            Assert.Equal([0xFF, 0xD8, 0xFF], await response.Content.ReadAsByteArrayAsync());
        }

        using (var response = await http.GetAsync(ReadSas(store, "incoming/1/file")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("private, no-store", response.Headers.NonValidated["Cache-Control"].ToString());
        }
    }

    [Fact]
    public async Task A_large_upload_is_streamed_in_blocks_not_sent_whole()
    {
        var store = await NewStoreAsync();
        const string Key = "media_attachments/files/2/t/original.mp4";
        var length = (2 * BlobMediaOptions.UploadBlockSize) + 123_457;
        using var source = new GeneratedStream(length);
        await store.PutAsync(Key, source, "video/mp4", Ct);

        // A stream of unknown length larger than one block was staged block by block (each at
        // most UploadBlockSize, so that is about what the upload held in memory) and committed once.
        var blocks = (await store.Container.GetBlockBlobClient(Key).GetBlockListAsync(BlockListTypes.All, cancellationToken: Ct)).Value;
        Assert.Empty(blocks.UncommittedBlocks);
        Assert.Equal(3, blocks.CommittedBlocks.Count());
        Assert.All(blocks.CommittedBlocks, b => Assert.InRange(b.SizeLong, 1, BlobMediaOptions.UploadBlockSize));
        Assert.Equal(length, blocks.CommittedBlocks.Sum(b => b.SizeLong));
        Assert.InRange(source.LargestRead, 1, BlobMediaOptions.UploadBlockSize);

        await using var blob = await store.OpenReadAsync(Key, Ct);
        Assert.Equal(("video/mp4", (long)length), (blob!.ContentType, blob.Length));
        Assert.Equal(source.Hash(), await SHA256.HashDataAsync(blob.Content, Ct));
    }

    [Fact]
    public async Task Without_MEDIA_BASE_URL_media_is_served_by_the_app_at_system()
    {
        var store = await NewStoreAsync();
        Assert.Equal("https://social.example/system/media_attachments/files/1/t/original.png", store.GetPublicUrl("media_attachments/files/1/t/original.png").ToString());
    }

    [Theory]
    [InlineData("https://media.social.example", "https://media.social.example/accounts/avatars/1/a.png")]
    [InlineData("https://media.social.example/", "https://media.social.example/accounts/avatars/1/a.png")]
    [InlineData("https://cdn.example/social/files", "https://cdn.example/social/files/accounts/avatars/1/a.png")]
    [InlineData("https://cdn.example/social/files/", "https://cdn.example/social/files/accounts/avatars/1/a.png")]
    public async Task With_MEDIA_BASE_URL_the_key_is_appended_to_it(string baseUrl, string expected)
    {
        var store = await NewStoreAsync(baseUrl);
        Assert.Equal(expected, store.GetPublicUrl("accounts/avatars/1/a.png").ToString());
    }

    [Fact]
    public async Task MEDIA_BASE_URL_at_a_public_container_serves_the_blob_itself()
    {
        var container = AzuriteServer.NewContainerName();
        await azurite.ServiceClient().GetBlobContainerClient(container).CreateAsync(PublicAccessType.Blob, cancellationToken: Ct);
        var store = await NewStoreAsync($"{azurite.Endpoint.AbsoluteUri.TrimEnd('/')}/{container}", container);
        await store.PutAsync("media_attachments/files/3/t/small.webp", new MemoryStream("RIFF"u8.ToArray()), "image/webp", Ct);

        var url = store.GetPublicUrl("media_attachments/files/3/t/small.webp");
        Assert.Equal($"{azurite.Endpoint.AbsoluteUri.TrimEnd('/')}/{container}/media_attachments/files/3/t/small.webp", url.ToString());
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        Assert.Equal("RIFF", await response.Content.ReadAsStringAsync());
    }

    private static Uri ReadSas(BlobMediaStore store, string key) =>
        store.Container.GetBlobClient(key).GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(10));

    /// <summary>A non-seekable stream of deterministic bytes, as a request body arrives; remembers its largest read.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public int LargestRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public static byte At(long position) => (byte)((position * 31) ^ (position >> 9));

        public byte[] Hash()
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            for (long offset = 0; offset < length; offset += buffer.Length)
            {
                var count = (int)Math.Min(buffer.Length, length - offset);
                for (var i = 0; i < count; i++)
                {
                    buffer[i] = At(offset + i);
                }

                sha.AppendData(buffer, 0, count);
            }

            return sha.GetHashAndReset();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            LargestRead = Math.Max(LargestRead, buffer.Length);
            var count = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = At(_position + i);
            }

            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
