using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Configuration;
using Serverless.Core.Media;

namespace Serverless.Embedded.FileSystem;

/// <summary>
/// Media blobs as files under <c>{dataDir}/media/</c>, served at <c>{baseUrl}/system/{key}</c>.
/// Each blob's content type is kept in a sidecar file under <c>media/.types/</c>; writes go to
/// <c>media/.tmp/</c> first and are moved into place, so a reader never sees half a file.
/// </summary>
public sealed partial class FileSystemMediaStore : IMediaStore
{
    /// <summary>The URL path under which the HTTP layer serves blobs: <c>/system/{key}</c>.</summary>
    public const string RoutePrefix = "/system/";

    public const string DefaultContentType = "application/octet-stream";

    private const int MaxKeyLength = 1024;
    private const int BufferSize = 81920;
    private readonly string _typesDirectory;
    private readonly string _tempDirectory;
    private readonly string _baseUrl;
    private readonly ILogger _logger;

    public FileSystemMediaStore(InstanceOptions options, ILogger<FileSystemMediaStore>? logger = null)
        : this(Path.Combine(Path.GetFullPath((options ?? throw new ArgumentNullException(nameof(options))).DataDirectory), "media"), options.BaseUrl, logger)
    {
    }

    public FileSystemMediaStore(string rootDirectory, string baseUrl, ILogger<FileSystemMediaStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _typesDirectory = Path.Combine(RootDirectory, ".types");
        _tempDirectory = Path.Combine(RootDirectory, ".tmp");
        _baseUrl = baseUrl.TrimEnd('/');
        _logger = logger ?? NullLogger<FileSystemMediaStore>.Instance;
        Directory.CreateDirectory(_typesDirectory);
        Directory.CreateDirectory(_tempDirectory);
    }

    public string RootDirectory { get; }

    /// <summary>
    /// Whether a key is acceptable: relative segments of ASCII letters, digits, <c>- _ . ~</c>,
    /// separated by <c>/</c>; no segment empty or starting with a dot (so no <c>..</c> and no way
    /// into the store's own folders). The HTTP layer can use it to answer 404 instead of throwing.
    /// </summary>
    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return false;
        }

        var segmentStart = true;
        foreach (var c in key)
        {
            if (c == '/')
            {
                if (segmentStart)
                {
                    return false;
                }

                segmentStart = true;
                continue;
            }

            if (segmentStart && c == '.')
            {
                return false;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.' and not '~')
            {
                return false;
            }

            segmentStart = false;
        }

        return !segmentStart;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        ArgumentNullException.ThrowIfNull(content);
        ValidateContentType(contentType);
        var typePath = TypePathOf(key);
        var blobTemp = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N"));
        var typeTemp = blobTemp + ".type";
        try
        {
            await using (var file = new FileStream(blobTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken);
            }

            await File.WriteAllTextAsync(typeTemp, contentType, Encoding.UTF8, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Directory.CreateDirectory(Path.GetDirectoryName(typePath)!);

            // Renames within one file system are atomic: readers see the old file or the new one.
            File.Move(typeTemp, typePath, overwrite: true);
            File.Move(blobTemp, path, overwrite: true);
        }
        finally
        {
            TryDelete(blobTemp);
            TryDelete(typeTemp);
        }

        LogStored(_logger, key, contentType);
    }

    /// <summary>Opens a blob by key for the HTTP route; null when the key is invalid or nothing is stored under it.</summary>
    public async Task<MediaBlob?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!IsValidKey(key))
        {
            return null;
        }

        FileStream stream;
        try
        {
            // FileShare.Delete lets a replace or delete proceed while a response is streaming.
            stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            var contentType = await ReadContentTypeAsync(key, cancellationToken);
            return new MediaBlob(stream, contentType, stream.Length);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The file behind a key, or null when there is none: lets the HTTP layer send it with
    /// <c>Results.File</c>/<c>SendFileAsync</c> (zero-copy, range requests) instead of copying a stream.
    /// </summary>
    public string? TryGetFilePath(string key)
    {
        if (!IsValidKey(key))
        {
            return null;
        }

        var path = PathOf(key);
        return File.Exists(path) ? path : null;
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        var existed = File.Exists(path);
        if (existed)
        {
            File.Delete(path);
        }

        TryDelete(TypePathOf(key));
        return Task.FromResult(existed);
    }

    public Uri GetPublicUrl(string key)
    {
        PathOf(key);
        // Valid keys need no escaping; each segment is escaped anyway should the rules widen.
        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_baseUrl + RoutePrefix + escaped, UriKind.Absolute);
    }

    private async Task<string> ReadContentTypeAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await File.ReadAllTextAsync(TypePathOf(key), Encoding.UTF8, cancellationToken);
            return stored.Length > 0 ? stored : DefaultContentType;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // A blob copied in by hand has no sidecar.
            return DefaultContentType;
        }
    }

    private string PathOf(string key)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a media key (relative path segments of letters, digits, '-', '_', '.', '~'; no '..', no leading dot or slash, no backslash).", nameof(key));
        }

        return Resolve(RootDirectory, key);
    }

    private string TypePathOf(string key) => Resolve(_typesDirectory, key);

    private static string Resolve(string root, string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        // Belt and braces after IsValidKey: the result must stay under the root.
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' leaves the media folder.", nameof(key));
        }

        return path;
    }

    private static void ValidateContentType(string contentType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (contentType.Length > 255 || contentType.Any(c => c < 0x20 || c > 0x7E))
        {
            throw new ArgumentException("The content type must be printable ASCII (it becomes a response header).", nameof(contentType));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Leftover temp or sidecar files are harmless.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored media {Key} as {ContentType}")]
    private static partial void LogStored(ILogger logger, string key, string contentType);
}
