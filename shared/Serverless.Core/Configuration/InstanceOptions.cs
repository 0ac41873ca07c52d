using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.Core.Configuration;

/// <summary>Who may sign up, as Mastodon's "registrations mode".</summary>
public enum RegistrationsMode
{
    Open,
    Approval,
    Closed,
}

/// <summary>
/// The instance's settings, read from Mastodon-style environment names. Both hosts build it with
/// <see cref="FromConfiguration"/> so that they agree on every default.
/// </summary>
public sealed record InstanceOptions
{
    /// <summary><c>LOCAL_DOMAIN</c>: host[:port] in handles and ActivityPub ids.</summary>
    public required string LocalDomain { get; init; }

    /// <summary><c>LOCAL_HTTPS</c>: false gives http:// ids, for local use.</summary>
    public bool LocalHttps { get; init; } = true;

    /// <summary><c>DATA_DIR</c>: where the embedded adapters keep SQLite files and media.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// <c>STREAMING_API_BASE_URL</c> (Mastodon's name): the <c>wss://</c> base clients open
    /// <c>/api/v1/streaming</c> on when it is not this host, as in Azure, where Front Door puts the
    /// Web PubSub hub at <c>wss://streaming.example.com</c> (azd's <c>STREAMING_URL</c> output).
    /// Null: <c>ws(s)://{LOCAL_DOMAIN}</c>.
    /// </summary>
    public string? StreamingBaseUrl { get; init; }

    /// <summary><c>REGISTRATIONS_MODE</c>: open, approval or closed.</summary>
    public RegistrationsMode RegistrationsMode { get; init; } = RegistrationsMode.Open;

    /// <summary><c>ALLOW_PRIVATE_ADDRESSES</c>: lets outbound federation reach loopback and private addresses (tests only).</summary>
    public bool AllowPrivateAddresses { get; init; }

    /// <summary>
    /// <c>AUTHORIZED_FETCH</c> (Mastodon's "secure mode"): ActivityPub GETs of objects and collections need a valid
    /// HTTP signature, and actors are served to unsigned requests in a minimal form. Off by default.
    /// </summary>
    public bool AuthorizedFetch { get; init; }

    /// <summary>
    /// <c>LIMITED_FEDERATION_MODE</c> (Mastodon's allow-list mode): only domains that moderators allowed
    /// (<c>/api/v1/admin/domain_allows</c>) federate; everything else is treated as suspended. Off by default.
    /// </summary>
    public bool LimitedFederationMode { get; init; }

    /// <summary><c>SITE_TITLE</c>: the instance's name.</summary>
    public string Title { get; init; } = "Serverless";

    /// <summary><c>SITE_CONTACT_EMAIL</c>.</summary>
    public string ContactEmail { get; init; } = "";

    /// <summary><c>SINGLE_USER_MODE</c> is not supported; this is the short description shown by clients.</summary>
    public string Description { get; init; } = "A Mastodon-compatible server that runs on Azure Functions or on one machine.";

    /// <summary><c>RATE_LIMIT_REQUESTS</c>: client API requests allowed per token per 5 minutes (Mastodon: 300); 0 turns limits off.</summary>
    public int RateLimitRequests { get; init; } = 300;

    public string Scheme => LocalHttps ? "https" : "http";

    /// <summary>The base URL of everything the instance serves, without a trailing slash.</summary>
    public string BaseUrl => $"{Scheme}://{LocalDomain}";

    /// <summary>The host part of <see cref="LocalDomain"/> without a port, for ids such as <c>@alice@example.com</c>.</summary>
    public string Host => LocalDomain;

    public const string DefaultPort = "3000";

    /// <summary>
    /// Reads the settings. Without <c>LOCAL_DOMAIN</c> the instance is a local one at
    /// <c>localhost:{PORT}</c> over plain http; with it, https is the default as in Mastodon.
    /// </summary>
    public static InstanceOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var localDomain = configuration["LOCAL_DOMAIN"];
        var domainGiven = !string.IsNullOrWhiteSpace(localDomain);
        if (!domainGiven)
        {
            localDomain = "localhost:" + (configuration["PORT"] ?? DefaultPort);
        }

        var defaults = new InstanceOptions { LocalDomain = localDomain! };
        return defaults with
        {
            LocalHttps = ReadBool(configuration["LOCAL_HTTPS"], domainGiven),
            DataDirectory = configuration["DATA_DIR"] is { Length: > 0 } dir ? dir : defaults.DataDirectory,
            RegistrationsMode = ReadMode(configuration["REGISTRATIONS_MODE"]),
            StreamingBaseUrl = configuration["STREAMING_API_BASE_URL"] is { Length: > 0 } streaming ? streaming.Trim().TrimEnd('/') : null,
            AllowPrivateAddresses = ReadBool(configuration["ALLOW_PRIVATE_ADDRESSES"], false),
            AuthorizedFetch = ReadBool(configuration["AUTHORIZED_FETCH"], false),
            LimitedFederationMode = ReadBool(configuration["LIMITED_FEDERATION_MODE"], false),
            Title = configuration["SITE_TITLE"] is { Length: > 0 } title ? title : defaults.Title,
            ContactEmail = configuration["SITE_CONTACT_EMAIL"] ?? defaults.ContactEmail,
            RateLimitRequests = int.TryParse(configuration["RATE_LIMIT_REQUESTS"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) ? limit : defaults.RateLimitRequests,
        };
    }

    public static bool ReadBool(string? value, bool fallback) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{value}' is not a boolean (use true or false).")),
    };

    private static RegistrationsMode ReadMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "open" => RegistrationsMode.Open,
        "approval" or "approved" => RegistrationsMode.Approval,
        "closed" or "none" => RegistrationsMode.Closed,
        _ => throw new FormatException($"REGISTRATIONS_MODE '{value}' is not one of open, approval, closed."),
    };
}
