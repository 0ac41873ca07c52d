using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Core.OAuth;
using Serverless.Core.Security;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.OAuth;

/// <summary>
/// What the browser-facing OAuth pages need beyond the API: the session and anti-forgery cookies,
/// signed anti-forgery tokens, the client's address for throttling, and the headers of an HTML page.
/// </summary>
internal static class BrowserSecurity
{
    public const string SessionCookie = "_serverless_session";
    public const string AntiForgeryCookie = "_serverless_csrf";
    public const string AntiForgeryField = "authenticity_token";

    /// <summary>How long a rendered form can be submitted, and how long its cookie lives.</summary>
    public static readonly TimeSpan AntiForgeryLifetime = TimeSpan.FromHours(2);

    private const string CookiePath = "/oauth";
    private const string KeyPurpose = "anti-forgery";

    public static CookieOptions CookieOptions(ApiRequest request, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = request.Instance.LocalHttps,
        Path = CookiePath,
        MaxAge = maxAge,
        IsEssential = true,
    };

    public static string? Cookie(ApiRequest request, string name) =>
        request.Http.Request.Cookies.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void SetSessionCookie(ApiRequest request, string token) =>
        request.Http.Response.Cookies.Append(SessionCookie, token, CookieOptions(request, SignInService.SessionLifetime));

    /// <summary>
    /// The anti-forgery token for this browser's forms: an HMAC, under a server key, of the
    /// browser's anti-forgery cookie and the time the form was rendered. The cookie is set (or its
    /// lifetime renewed) here, so an attacker's page can neither read nor forge a matching pair.
    /// </summary>
    public static async Task<string> IssueAntiForgeryTokenAsync(ApiRequest request)
    {
        var cookie = Cookie(request, AntiForgeryCookie);
        if (cookie is null || cookie.Length is < 20 or > 100)
        {
            cookie = Secrets.NewToken();
        }

        request.Http.Response.Cookies.Append(AntiForgeryCookie, cookie, CookieOptions(request, AntiForgeryLifetime));
        var issued = request.Service<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return issued + "." + await SignAsync(request, cookie, issued);
    }

    /// <summary>True when the form's token was issued to this browser's cookie, recently, by this server.</summary>
    public static async Task<bool> IsValidAntiForgeryTokenAsync(ApiRequest request)
    {
        var cookie = Cookie(request, AntiForgeryCookie);
        var token = request.Params.GetString(AntiForgeryField);
        if (cookie is null || string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var issuedAt))
        {
            return false;
        }

        var age = request.Service<TimeProvider>().GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(issuedAt, 253402300799));
        if (age > AntiForgeryLifetime || age < TimeSpan.FromMinutes(-5))
        {
            return false;
        }

        var expected = await SignAsync(request, cookie, token[..dot]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token[(dot + 1)..]));
    }

    /// <summary>
    /// The address to count failed sign-ins against. Behind a reverse proxy on the same machine or
    /// network (the peer is loopback or private), the proxy's <c>X-Forwarded-For</c> names the
    /// client: its last entry is the one the nearest proxy added, so it cannot be spoofed by the client.
    /// </summary>
    public static string ClientAddress(ApiRequest request)
    {
        var peer = request.Http.Connection.RemoteIpAddress;
        if (peer is null || IsLoopbackOrPrivate(peer))
        {
            var forwarded = request.Http.Request.Headers["X-Forwarded-For"].ToString();
            var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is not null && IPAddress.TryParse(last, out var client))
            {
                return Normalise(client);
            }
        }

        return peer is null ? "unknown" : Normalise(peer);
    }

    /// <summary>Writes a server-rendered page with headers that keep it out of frames, caches and other origins' reach.</summary>
    public static async Task WriteHtmlAsync(ApiRequest request, int status, Func<string, string> render)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(render);
        var nonce = Secrets.NewToken(16);
        var headers = request.Http.Response.Headers;

        // The API's CORS header has no business on a page that carries a form.
        headers.Remove("Access-Control-Allow-Origin");
        headers.Remove("Access-Control-Expose-Headers");
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        await request.Raw(render(nonce), "text/html; charset=utf-8", status);
    }

    /// <summary>Redirects the browser (302), after a form post or to the client's redirect URI.</summary>
    public static void Redirect(ApiRequest request, string location, int status = StatusCodes.Status302Found)
    {
        var headers = request.Http.Response.Headers;
        headers.Remove("Access-Control-Allow-Origin");
        headers.Remove("Access-Control-Expose-Headers");
        headers.CacheControl = "no-store";
        headers.Location = location;
        request.Http.Response.StatusCode = status;
    }

    private static async Task<string> SignAsync(ApiRequest request, string cookie, string issued)
    {
        var key = await request.Service<SigningKeys>().GetAsync(KeyPurpose, request.Aborted);
        return Secrets.Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("oauth-authorize|" + cookie + "|" + issued)));
    }

    private static string Normalise(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private static bool IsLoopbackOrPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal)
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        return bytes.Length == 4 && (bytes[0] == 10 || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] <= 31) || (bytes[0] == 192 && bytes[1] == 168));
    }
}
