using System.Text;
using Serverless.Core.Configuration;
using Serverless.Embedded.FileSystem;

namespace Serverless.Tests.Embedded;

public sealed class FileSystemMediaStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileSystemMediaStore _store;

    public FileSystemMediaStoreTests()
    {
        _store = new FileSystemMediaStore(new InstanceOptions { LocalDomain = "localhost:3000", LocalHttps = false, DataDirectory = _directory.Path });
    }

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => _directory.Dispose();

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task Put_open_and_delete_round_trip_with_the_content_type()
    {
        const string Key = "media_attachments/109/original/cat.png";
        await _store.PutAsync(Key, new MemoryStream("first"u8.ToArray()), "image/png", Ct);

        await using (var blob = await _store.OpenReadAsync(Key, Ct))
        {
            Assert.NotNull(blob);
            Assert.Equal("image/png", blob.ContentType);
            Assert.Equal(5, blob.Length);
            Assert.Equal("first", await ReadAllAsync(blob.Content));
        }

        Assert.True(File.Exists(Path.Combine(_directory.Path, "media", "media_attachments", "109", "original", "cat.png")));
        Assert.Equal(Path.Combine(_directory.Path, "media", "media_attachments", "109", "original", "cat.png"), _store.TryGetFilePath(Key));

        // A second put replaces both the bytes and the type.
        await _store.PutAsync(Key, new MemoryStream("second!"u8.ToArray()), "image/webp", Ct);
        await using (var blob = await _store.OpenReadAsync(Key, Ct))
        {
            Assert.Equal(("image/webp", 7L), (blob!.ContentType, blob.Length));
            Assert.Equal("second!", await ReadAllAsync(blob.Content));
        }

        Assert.True(await _store.DeleteAsync(Key, Ct));
        Assert.Null(await _store.OpenReadAsync(Key, Ct));
        Assert.Null(_store.TryGetFilePath(Key));
        Assert.False(await _store.DeleteAsync(Key, Ct));

        // Nothing is left behind in the temp folder.
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory.Path, "media", ".tmp")));
    }

    [Fact]
    public async Task Opening_a_missing_key_returns_null()
    {
        Assert.Null(await _store.OpenReadAsync("nothing/here.png", Ct));
        Assert.Null(await _store.OpenReadAsync("../escape", Ct));
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("a/../../secret")]
    [InlineData("a/./b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("..\\secret")]
    [InlineData("C:/windows")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("")]
    [InlineData(".types/x")]
    [InlineData("a/b c")]
    public async Task Keys_that_could_leave_the_media_folder_are_rejected(string key)
    {
        Assert.False(FileSystemMediaStore.IsValidKey(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1]), "image/png", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DeleteAsync(key, Ct));
        Assert.ThrowsAny<ArgumentException>(() => _store.GetPublicUrl(key));
        Assert.Null(_store.TryGetFilePath(key));
    }

    [Fact]
    public async Task Header_breaking_content_types_are_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync("a.png", new MemoryStream([1]), "image/png\r\nX-Evil: 1", Ct));
    }

    [Fact]
    public void The_public_url_is_under_system_on_the_instance_base_url()
    {
        Assert.Equal(new Uri("http://localhost:3000/system/media_attachments/109/original/cat.png"), _store.GetPublicUrl("media_attachments/109/original/cat.png"));
        var https = new FileSystemMediaStore(Path.Combine(_directory.Path, "other"), "https://social.example/");
        Assert.Equal("https://social.example/system/accounts/avatars/1.jpg", https.GetPublicUrl("accounts/avatars/1.jpg").AbsoluteUri);
    }
}
