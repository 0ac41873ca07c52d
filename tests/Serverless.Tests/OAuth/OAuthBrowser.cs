using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.OAuth;

/// <summary>
/// A scripted browser for the authorization pages: keeps cookies, does not follow redirects (so the
/// tests see every Location), and reads and posts the pages' forms as a user agent would.
/// </summary>
public sealed partial class OAuthBrowser : IDisposable
{
    public const string Password = "a long enough password";

    private readonly HttpClientHandler _handler;

    public OAuthBrowser(StandaloneServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        Cookies = new CookieContainer();
        _handler = new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false };
        Client = new HttpClient(_handler) { BaseAddress = server.Client.BaseAddress };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client { get; }

    /// <summary>A registered app: its id, secret and first redirect URI.</summary>
    public sealed record App(string ClientId, string ClientSecret, string RedirectUri);

    /// <summary>A page as the browser got it.</summary>
    public sealed record Page(HttpStatusCode Status, string Html, Uri? Location, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>The hidden and text inputs of the form with this id, HTML-decoded.</summary>
        public Dictionary<string, string> Form(string id)
        {
            var form = FormPattern().Matches(Html).FirstOrDefault(m => m.Groups["id"].Value == id)
                ?? throw new InvalidOperationException($"No form '{id}' in:\n{Html}");
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
            {
                var name = Attribute(input.Value, "name");
                if (name is not null && Attribute(input.Value, "type") is "hidden" or "text")
                {
                    fields[name] = Attribute(input.Value, "value") ?? "";
                }
            }

            return fields;
        }

        public string? Element(string id)
        {
            var match = Regex.Match(Html, $"<[^>]*id=\"{Regex.Escape(id)}\"[^>]*>(?<text>[^<]*)");
            return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value) : null;
        }

        public string? Value(string id)
        {
            var match = Regex.Match(Html, $"<input[^>]*id=\"{Regex.Escape(id)}\"[^>]*>");
            return match.Success ? Attribute(match.Value, "value") : null;
        }
    }

    public static async Task<App> RegisterAppAsync(StandaloneServer server, string redirectUris, string scopes = "read write follow push", string name = "Test client")
    {
        ArgumentNullException.ThrowIfNull(server);
        var app = await StandaloneServer.PostJsonAsync(server.Client, "/api/v1/apps", new JsonObject
        {
            ["client_name"] = name,
            ["redirect_uris"] = redirectUris,
            ["scopes"] = scopes,
        });
        return new App(app["client_id"]!.GetValue<string>(), app["client_secret"]!.GetValue<string>(), redirectUris.Split('\n')[0]);
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(48));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string AuthorizeUrl(App app, string? scope = "read write follow", string? state = null, string? challenge = null, string? redirectUri = null, bool forceLogin = false, string method = "S256")
    {
        ArgumentNullException.ThrowIfNull(app);
        var query = new List<string>
        {
            "response_type=code",
            "client_id=" + Uri.EscapeDataString(app.ClientId),
            "redirect_uri=" + Uri.EscapeDataString(redirectUri ?? app.RedirectUri),
        };
        if (scope is not null)
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }

        if (state is not null)
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        if (challenge is not null)
        {
            query.Add("code_challenge=" + challenge);
            query.Add("code_challenge_method=" + method);
        }

        if (forceLogin)
        {
            query.Add("force_login=true");
        }

        return "/oauth/authorize?" + string.Join('&', query);
    }

    public async Task<Page> GetAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        return await ReadAsync(response);
    }

    public async Task<Page> PostFormAsync(IDictionary<string, string> fields, string url = "/oauth/authorize", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Client.SendAsync(request);
        return await ReadAsync(response);
    }

    /// <summary>Posts the sign-in form of a sign-in page with these credentials.</summary>
    public Task<Page> SignInAsync(Page signInPage, string login, string password = Password, IDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(signInPage);
        var form = signInPage.Form("sign-in");
        form["login"] = login;
        form["password"] = password;
        return PostFormAsync(form, headers: headers);
    }

    /// <summary>From the authorize URL to the consent page: signs in and follows the redirect back.</summary>
    public async Task<Page> SignInToConsentAsync(string authorizeUrl, string login)
    {
        var signIn = await GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        var afterSignIn = await SignInAsync(signIn, login);
        Assert.True(afterSignIn.Status == HttpStatusCode.SeeOther, $"Sign-in answered {(int)afterSignIn.Status}: {afterSignIn.Html}");
        var consent = await GetAsync(afterSignIn.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, consent.Status);
        Assert.Contains("id=\"consent\"", consent.Html, StringComparison.Ordinal);
        return consent;
    }

    /// <summary>Clicks Authorize or Deny on a consent page.</summary>
    public Task<Page> DecideAsync(Page consentPage, string decision)
    {
        ArgumentNullException.ThrowIfNull(consentPage);
        var form = consentPage.Form("consent");
        form["decision"] = decision;
        return PostFormAsync(form);
    }

    /// <summary>The whole browser part of the flow; returns the redirect the client receives.</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string login)
    {
        var consent = await SignInToConsentAsync(authorizeUrl, login);
        var approved = await DecideAsync(consent, "approve");
        Assert.Equal(HttpStatusCode.Found, approved.Status);
        return approved.Location!;
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> ExchangeAsync(StandaloneServer server, IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var content = new FormUrlEncodedContent(fields);
        using var response = await server.Client.PostAsync("/oauth/token", content);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (response.StatusCode, body!);
    }

    public static string? QueryValue(Uri uri, string name)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var query = uri.IsAbsoluteUri ? uri.Query : (uri.OriginalString.Contains('?', StringComparison.Ordinal) ? uri.OriginalString[uri.OriginalString.IndexOf('?', StringComparison.Ordinal)..] : "");
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue(name, out var values) ? values.ToString() : null;
    }

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    private static async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join("\n", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Page(response.StatusCode, html, response.Headers.Location, headers);
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{Regex.Escape(name)}=\"(?<value>[^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups["value"].Value) : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<form[^>]*id=\"(?<id>[^\"]+)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputPattern();
}
