using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.Azure.Blob;

/// <summary>
/// Where the Blob media store keeps media and how it is reached, read from identity-based
/// settings: <c>MediaStorage__blobServiceUri</c> (+ <c>MediaStorage__clientId</c> or
/// <c>AZURE_CLIENT_ID</c>) in Azure, or a connection string in <c>MediaStorage</c> for a local
/// Azurite; <c>MEDIA_CONTAINER</c>; <c>MEDIA_BASE_URL</c>.
/// </summary>
public sealed record BlobMediaOptions
{
    public const string DefaultContainerName = "media";

    /// <summary>Size of each staged block, and the largest upload sent in one request.</summary>
    public const int UploadBlockSize = 4 * 1024 * 1024;

    /// <summary>Blocks of one upload in flight at once: what one upload holds in memory is about this many blocks.</summary>
    public const int UploadConcurrency = 2;

    /// <summary><c>MediaStorage__blobServiceUri</c>: the account's blob endpoint, reached with an Entra identity.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary><c>MediaStorage</c>: a connection string, for local emulators only (Azurite).</summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>MediaStorage__clientId</c>, else <c>AZURE_CLIENT_ID</c>: the user-assigned identity to use.</summary>
    public string? ClientId { get; init; }

    /// <summary><c>MEDIA_CONTAINER</c>: the blob container of media.</summary>
    public string ContainerName { get; init; } = DefaultContainerName;

    /// <summary>
    /// <c>MEDIA_BASE_URL</c>: where clients load media from, a blob's key appended (a CDN or
    /// Front Door host, or the blob endpoint and container when the container is public). When
    /// unset, media is served by the application itself at <c>{base URL}/system/{key}</c>.
    /// </summary>
    public Uri? MediaBaseUrl { get; init; }

    /// <summary>Whether a blob endpoint or connection string is set.</summary>
    public bool Configured => BlobServiceUri is not null || !string.IsNullOrWhiteSpace(ConnectionString);

    public static BlobMediaOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var serviceUri = configuration["MediaStorage:blobServiceUri"];
        var container = configuration["MEDIA_CONTAINER"];
        var baseUrl = configuration["MEDIA_BASE_URL"];
        var connectionString = configuration["MediaStorage"];
        return new BlobMediaOptions
        {
            BlobServiceUri = string.IsNullOrWhiteSpace(serviceUri) ? null : AbsoluteHttpUri(serviceUri, "MediaStorage__blobServiceUri"),
            ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString.Trim(),
            ClientId = AzureCredentials.ClientId(configuration["MediaStorage:clientId"], configuration),
            ContainerName = string.IsNullOrWhiteSpace(container) ? DefaultContainerName : ValidContainerName(container.Trim()),
            MediaBaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : AbsoluteHttpUri(baseUrl, "MEDIA_BASE_URL"),
        };
    }

    /// <summary>Blob container naming rules: 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    public static string ValidContainerName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is >= 3 and <= 63
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && name[0] != '-' && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal);
        return valid
            ? name
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"MEDIA_CONTAINER '{name}' is not a blob container name (3-63 lower-case letters, digits and single hyphens)."));
    }

    private static Uri AbsoluteHttpUri(string value, string setting)
    {
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            return uri;
        }

        throw new FormatException($"{setting} '{value}' is not an absolute http(s) URL without a query.");
    }
}
