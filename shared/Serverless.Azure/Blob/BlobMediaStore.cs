using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Configuration;
using Serverless.Core.Media;

namespace Serverless.Azure.Blob;

/// <summary>
/// Media in one Azure Blob Storage container, one blob per key. Uploads are streamed in blocks
/// (never buffered whole), with the content type and a year-long immutable <c>Cache-Control</c>
/// (processed media is written under fresh random keys, so a key's bytes never change). Clients
/// load media from <see cref="BlobMediaOptions.MediaBaseUrl"/> when set (a CDN, or the container
/// itself if public), else from the application's own <c>/system/{key}</c> route, which reads
/// through <see cref="OpenReadAsync"/> and keeps a private container private.
/// </summary>
public sealed partial class BlobMediaStore : IMediaStore
{
    /// <summary>Served media never changes under its key.</summary>
    public const string PublicCacheControl = "public, max-age=31536000, immutable";

    /// <summary>Uploads awaiting processing (<see cref="MediaKeys.PrivatePrefix"/>) are never served nor cached.</summary>
    public const string PrivateCacheControl = "private, no-store";

    /// <summary>Where the application serves media itself (Serverless.Mastodon's <c>system/{*key}</c> route).</summary>
    public const string SystemRoutePrefix = "/system/";

    public const string DefaultContentType = "application/octet-stream";

    private const int MaxKeyLength = 1024;

    /// <summary>Reads are fetched in ranges of this size, so a response streams without holding the blob.</summary>
    private const int ReadBufferSize = 1024 * 1024;

    private static readonly StorageTransferOptions TransferOptions = new()
    {
        InitialTransferSize = BlobMediaOptions.UploadBlockSize,
        MaximumTransferSize = BlobMediaOptions.UploadBlockSize,
        MaximumConcurrency = BlobMediaOptions.UploadConcurrency,
    };

    private readonly BlobContainerClient _container;
    private readonly string _publicBase;
    private readonly ILogger _logger;

    public BlobMediaStore(BlobContainerClient container, BlobMediaOptions options, InstanceOptions instance, ILogger<BlobMediaStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instance);
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _publicBase = options.MediaBaseUrl is { } baseUrl
            ? baseUrl.AbsoluteUri.TrimEnd('/') + "/"
            : instance.BaseUrl.TrimEnd('/') + SystemRoutePrefix;
        _logger = logger ?? NullLogger<BlobMediaStore>.Instance;
    }

    public BlobContainerClient Container => _container;

    /// <summary>
    /// Whether a key is acceptable: relative segments of ASCII letters, digits and <c>- _ . ~</c>
    /// separated by <c>/</c>, none empty or starting with a dot. The same keys as the filesystem
    /// store, so that both adapters accept and serve exactly the same media.
    /// </summary>
    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment[0] == '.' || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Creates the container when missing: for local Azurite only (in Azure, Bicep creates it).</summary>
    public async Task CreateContainerIfNotExistsAsync(CancellationToken cancellationToken)
    {
        var created = await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
        if (created is not null)
        {
            LogContainerCreated(_logger, _container.Name);
        }
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var blob = BlobOf(key);
        ArgumentNullException.ThrowIfNull(content);
        ValidateContentType(contentType);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders
            {
                ContentType = contentType,
                CacheControl = MediaKeys.IsPublic(key) ? PublicCacheControl : PrivateCacheControl,
            },
            // Blocks of UploadBlockSize read from the stream as they go (a few in flight), then
            // one commit: the blob appears whole or not at all, and memory stays bounded.
            TransferOptions = TransferOptions,
        };
        try
        {
            await blob.UploadAsync(content, options, cancellationToken);
        }
        catch (RequestFailedException exception)
        {
            throw StorageFailed("store", key, exception);
        }

        LogStored(_logger, key, contentType);
    }

    public async Task<MediaBlob?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!IsValidKey(key))
        {
            return null;
        }

        var blob = _container.GetBlobClient(key);
        BlobProperties properties;
        try
        {
            properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException exception)
        {
            throw StorageFailed("read", key, exception);
        }

        // A seekable stream that downloads ranges as it is read (video players ask for ranges);
        // pinned to the ETag read above, so a replaced blob fails the read instead of mixing bytes.
        var stream = await blob.OpenReadAsync(
            new BlobOpenReadOptions(allowModifications: false)
            {
                BufferSize = ReadBufferSize,
                Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
            },
            cancellationToken);
        var contentType = string.IsNullOrEmpty(properties.ContentType) ? DefaultContentType : properties.ContentType;
        return new MediaBlob(stream, contentType, properties.ContentLength);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var blob = BlobOf(key);
        try
        {
            var response = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
            return response.Value;
        }
        catch (RequestFailedException exception)
        {
            throw StorageFailed("delete", key, exception);
        }
    }

    public Uri GetPublicUrl(string key)
    {
        if (!IsValidKey(key))
        {
            throw InvalidKey(key);
        }

        // Valid keys need no escaping; each segment is escaped anyway should the rules widen.
        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_publicBase + escaped, UriKind.Absolute);
    }

    /// <summary>
    /// Storage failures reach callers as <see cref="IOException"/>, as with the filesystem store,
    /// so that callers' handling (a quiet delete of a leftover file, say) is the same on both.
    /// </summary>
    private static IOException StorageFailed(string operation, string key, RequestFailedException exception) =>
        new($"Blob Storage could not {operation} media {key}: {exception.Status} {exception.ErrorCode}", exception);

    private BlobClient BlobOf(string key) =>
        IsValidKey(key) ? _container.GetBlobClient(key) : throw InvalidKey(key);

    private static ArgumentException InvalidKey(string key) =>
        new($"'{key}' is not a media key (relative path segments of letters, digits, '-', '_', '.', '~'; no '..', no leading dot or slash).", nameof(key));

    private static void ValidateContentType(string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (contentType.Length > 255 || contentType.Any(c => c < 0x20 || c > 0x7E))
        {
            throw new ArgumentException("The content type must be printable ASCII (it becomes a response header).", nameof(contentType));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored media {Key} as {ContentType}")]
    private static partial void LogStored(ILogger logger, string key, string contentType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the media container {Container}")]
    private static partial void LogContainerCreated(ILogger logger, string container);
}
