using System.Net.Http.Headers;
using System.Text;
using Azure.Core;

namespace Serverless.Azure.WebPubSub;

/// <summary>The few Web PubSub data-plane calls streaming needs: a seam for tests.</summary>
public interface IWebPubSubClient
{
    /// <summary>Sends one text message (a Mastodon event frame) to every connection of a group, or those that pass <paramref name="filter"/> (OData, see <see cref="WebPubSubFilter"/>).</summary>
    Task SendToGroupAsync(string group, string message, string? filter, CancellationToken cancellationToken);

    /// <summary>Sends one text message to the connections of one user (the account id the connect answer named), or those that pass <paramref name="filter"/>.</summary>
    Task SendToUserAsync(string userId, string message, string? filter, CancellationToken cancellationToken);

    Task AddConnectionToGroupAsync(string group, string connectionId, CancellationToken cancellationToken);

    Task RemoveConnectionFromGroupAsync(string group, string connectionId, CancellationToken cancellationToken);
}

/// <summary>
/// The data-plane REST API (<c>api-version=2024-01-01</c>) over HttpClient, authenticated with an
/// access-key JWT when a key is configured (local fakes) and an Entra token otherwise.
/// </summary>
public sealed class HttpWebPubSubClient : IWebPubSubClient
{
    public const string ApiVersion = "2024-01-01";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly WebPubSubOptions _options;
    private readonly TokenCredential? _credential;
    private readonly TimeProvider _time;
    private AccessToken _token;

    public HttpWebPubSubClient(HttpClient http, WebPubSubOptions options, TokenCredential? credential, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Endpoint is null)
        {
            throw new InvalidOperationException("Web PubSub needs WebPubSub__endpoint.");
        }

        if (options.AccessKey is null && credential is null)
        {
            throw new InvalidOperationException("Web PubSub needs an Entra credential or WebPubSub__accessKey.");
        }

        _http = http;
        _options = options;
        _credential = credential;
        _time = time;
    }

    public Task SendToGroupAsync(string group, string message, string? filter, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, GroupPath(group) + "/:send", Text(message), cancellationToken, filter);

    public Task SendToUserAsync(string userId, string message, string? filter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return SendAsync(HttpMethod.Post, "/users/" + Uri.EscapeDataString(userId) + "/:send", Text(message), cancellationToken, filter);
    }

    private static StringContent Text(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = new StringContent(message, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }

    public Task AddConnectionToGroupAsync(string group, string connectionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, GroupPath(group) + "/connections/" + Uri.EscapeDataString(connectionId), null, cancellationToken);

    public Task RemoveConnectionFromGroupAsync(string group, string connectionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, GroupPath(group) + "/connections/" + Uri.EscapeDataString(connectionId), null, cancellationToken);

    /// <summary>The request URL of a data-plane path under the hub, with an OData <c>filter</c> when given.</summary>
    public Uri Url(string path, string? filter = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var baseUri = _options.Endpoint!.AbsoluteUri.TrimEnd('/');
        var query = string.IsNullOrEmpty(filter) ? "" : "&filter=" + Uri.EscapeDataString(filter);
        return new Uri($"{baseUri}/api/hubs/{Uri.EscapeDataString(_options.Hub)}{path}?api-version={ApiVersion}{query}");
    }

    private static string GroupPath(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return "/groups/" + Uri.EscapeDataString(group);
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, string? filter = null)
    {
        var url = Url(path, filter);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await BearerAsync(url, cancellationToken).ConfigureAwait(false));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"Web PubSub {method} {url.AbsolutePath} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    private async ValueTask<string> BearerAsync(Uri url, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_options.AccessKey is { } key)
        {
            return WebPubSubAccessKey.CreateToken(key, url, now);
        }

        // One Entra token serves every call until shortly before it expires; a race only fetches twice.
        var token = _token;
        if (token.Token is null || token.ExpiresOn - RefreshMargin <= now)
        {
            token = await _credential!.GetTokenAsync(new TokenRequestContext([WebPubSubOptions.Scope]), cancellationToken).ConfigureAwait(false);
            _token = token;
        }

        return token.Token;
    }
}
