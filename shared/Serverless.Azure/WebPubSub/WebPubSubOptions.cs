using Microsoft.Extensions.Configuration;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// How the Web PubSub service is reached: <c>WebPubSub__endpoint</c>, <c>WebPubSub__hub</c>
/// (default <c>streaming</c>), <c>WebPubSub__clientId</c> or <c>AZURE_CLIENT_ID</c> for the
/// Entra identity, and <c>WebPubSub__accessKey</c> for local fakes only (with a key, REST calls
/// carry an HS256 JWT and incoming events must carry a matching <c>ce-signature</c>).
/// </summary>
public sealed record WebPubSubOptions
{
    public const string DefaultHub = "streaming";

    /// <summary>The service's data-plane scope for Entra tokens.</summary>
    public const string Scope = "https://webpubsub.azure.com/.default";

    public Uri? Endpoint { get; init; }

    public string Hub { get; init; } = DefaultHub;

    public string? AccessKey { get; init; }

    public string? ClientId { get; init; }

    public bool Configured => Endpoint is not null;

    public static WebPubSubOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration["WebPubSub:endpoint"];
        var hub = configuration["WebPubSub:hub"];
        var key = configuration["WebPubSub:accessKey"];
        return new WebPubSubOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? null : HttpUri(endpoint),
            Hub = string.IsNullOrWhiteSpace(hub) ? DefaultHub : ValidHub(hub.Trim()),
            AccessKey = string.IsNullOrWhiteSpace(key) ? null : key.Trim(),
            ClientId = AzureCredentials.ClientId(configuration["WebPubSub:clientId"], configuration),
        };
    }

    /// <summary>Hub names are letters, digits and underscores, starting with a letter.</summary>
    public static string ValidHub(string hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        return hub.Length is > 0 and <= 127 && char.IsAsciiLetter(hub[0]) && hub.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? hub
            : throw new FormatException($"WebPubSub__hub '{hub}' is not a hub name (letters, digits and underscores, starting with a letter).");
    }

    private static Uri HttpUri(string value)
    {
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Query))
        {
            return uri;
        }

        throw new FormatException($"WebPubSub__endpoint '{value}' is not an absolute http(s) URL without a query.");
    }
}
