namespace Serverless.Core.Media;

/// <summary>The media port: blobs by key (such as <c>media_attachments/123/original.png</c>), served at a public URL.</summary>
public interface IMediaStore
{
    /// <summary>Stores the stream under the key, replacing what was there.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens a stored blob, or returns null when it does not exist.</summary>
    Task<MediaBlob?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The public URL that clients and peers load the blob from.</summary>
    Uri GetPublicUrl(string key);
}

/// <summary>An open blob; dispose it to release the stream.</summary>
public sealed record MediaBlob(Stream Content, string ContentType, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
