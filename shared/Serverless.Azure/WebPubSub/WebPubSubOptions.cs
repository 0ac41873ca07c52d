using Microsoft.Extensions.Configuration;

namespace Serverless.Azure.WebPubSub;

/// <summary>
/// How the Web PubSub service is reached: <c>WebPubSub__endpoint</c>, <c>WebPubSub__hub</c>
/// (default <c>streaming</c>), <c>WebPubSub__clientId</c> or <c>AZURE_CLIENT_ID</c> for the
/// Entra identity, and <c>WebPubSub__accessKey</c> for local fakes only (with a key, REST calls
/// carry an HS256 JWT and incoming events must carry a matching <c>ce-signature</c>). Without a key,
/// events must carry an Entra token of our identity: <c>WebPubSub__eventHandlerAudience</c> (the
/// event handler's managed-identity <c>resource</c>), <c>WebPubSub__eventHandlerTenantId</c>,
/// <c>WebPubSub__eventHandlerPrincipalId</c> (the identity's object id) and
/// <c>WebPubSub__eventHandlerAuthority</c> (default <c>https://login.microsoftonline.com/{tenant}/v2.0</c>).
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

    /// <summary>The <c>aud</c> of the tokens Web PubSub sends with events (the event handler's <c>resource</c>).</summary>
    public string? EventHandlerAudience { get; init; }

    public string? EventHandlerTenantId { get; init; }

    /// <summary>Object id of the identity Web PubSub calls as: the only <c>oid</c> accepted.</summary>
    public string? EventHandlerPrincipalId { get; init; }

    /// <summary>Where the tenant's OpenID metadata is (<c>{authority}/.well-known/openid-configuration</c>); null for the public Entra authority.</summary>
    public Uri? EventHandlerAuthority { get; init; }

    public bool Configured => Endpoint is not null;

    /// <summary>Whether events can be authenticated by Entra token.</summary>
    public bool EventAuthConfigured => EventHandlerAudience is not null && EventHandlerTenantId is not null && EventHandlerPrincipalId is not null;

    public Uri? EventHandlerAuthorityOrDefault =>
        EventHandlerAuthority ?? (EventHandlerTenantId is { } tenant ? new Uri($"https://login.microsoftonline.com/{Uri.EscapeDataString(tenant)}/v2.0") : null);

    public static WebPubSubOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration["WebPubSub:endpoint"];
        var hub = configuration["WebPubSub:hub"];
        var key = configuration["WebPubSub:accessKey"];
        var authority = configuration["WebPubSub:eventHandlerAuthority"];
        return new WebPubSubOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? null : HttpUri(endpoint),
            Hub = string.IsNullOrWhiteSpace(hub) ? DefaultHub : ValidHub(hub.Trim()),
            AccessKey = string.IsNullOrWhiteSpace(key) ? null : key.Trim(),
            ClientId = AzureCredentials.ClientId(configuration["WebPubSub:clientId"], configuration),
            EventHandlerAudience = Trimmed(configuration["WebPubSub:eventHandlerAudience"]),
            EventHandlerTenantId = Trimmed(configuration["WebPubSub:eventHandlerTenantId"]),
            EventHandlerPrincipalId = Trimmed(configuration["WebPubSub:eventHandlerPrincipalId"]),
            EventHandlerAuthority = string.IsNullOrWhiteSpace(authority) ? null : HttpUri(authority, "WebPubSub__eventHandlerAuthority"),
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

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri HttpUri(string value, string name = "WebPubSub__endpoint")
    {
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Query))
        {
            return uri;
        }

        throw new FormatException($"{name} '{value}' is not an absolute http(s) URL without a query.");
    }
}
