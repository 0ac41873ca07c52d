using System.Globalization;
using System.Net;
using System.Text;
using Serverless.Core.Accounts;
using Serverless.Core.OAuth;

namespace Serverless.Mastodon.OAuth;

/// <summary>
/// The server-rendered pages of the authorization flow: plain HTML and a little CSS, no script.
/// Every value from a request or the store goes through <see cref="E"/> (HTML-escaped).
/// </summary>
internal static class OAuthPages
{
    private const string Css = """
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#191b22;color:#ecebf2}
        main{max-width:28rem;margin:3rem auto;padding:2rem;background:#282c37;border-radius:12px}
        h1{font-size:1.4rem;margin:0 0 .25rem}
        .site{color:#9baec8;font-size:.9rem;margin:0 0 1.5rem}
        label{display:block;font-weight:600;margin:1rem 0 .25rem}
        input[type=text],input[type=password],input[type=email]{width:100%;padding:.6rem .7rem;border:1px solid #444b5d;border-radius:6px;background:#131419;color:#fff;font-size:1rem}
        input:focus{outline:2px solid #8c8dff;outline-offset:1px}
        .actions{display:flex;gap:.75rem;margin-top:1.5rem}
        button{flex:1;padding:.7rem 1rem;border:0;border-radius:6px;font-size:1rem;font-weight:600;cursor:pointer}
        button.primary{background:#6364ff;color:#fff}
        button.secondary{background:transparent;color:#ecebf2;border:1px solid #606984}
        .error{background:#3b2027;border:1px solid #df405a;color:#ffb8c4;padding:.6rem .8rem;border-radius:6px}
        .notice{background:#1f2a3b;border:1px solid #4a6fa5;padding:.6rem .8rem;border-radius:6px}
        ul.scopes{padding-left:1.2rem}
        ul.scopes li{margin:.2rem 0}
        ul.scopes code{color:#9baec8;font-size:.8rem}
        input.oauth-code{font-family:ui-monospace,monospace;font-size:.85rem;line-height:1.8;padding:.4rem .3rem;text-align:center}
        .who{color:#9baec8}
        a{color:#8c8dff}
        """;

    public static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    public static string SignIn(string site, AuthorizationRequest request, string antiForgery, string? error, string? login, string nonce)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Sign in</h1><p class=\"site\">{E(site)}</p>");
        body.Append(CultureInfo.InvariantCulture, $"<p><strong id=\"app-name\">{E(request.App.Name)}</strong> wants to access your account.</p>");
        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\" role=\"alert\">{E(error)}</p>");
        }

        body.Append("<form method=\"post\" action=\"/oauth/authorize\" id=\"sign-in\">");
        Hidden(body, request, antiForgery, "sign_in");
        body.Append(CultureInfo.InvariantCulture, $"<label for=\"login\">Email address or username</label><input type=\"text\" id=\"login\" name=\"login\" value=\"{E(login)}\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>");
        body.Append("<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>");
        body.Append("<div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"sign-in-button\">Sign in</button></div>");
        body.Append("</form>");
        return Layout("Sign in", body.ToString(), nonce);
    }

    public static string Consent(string site, AuthorizationRequest request, AccountRecord account, string domain, string antiForgery, string nonce)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Authorization required</h1><p class=\"site\">{E(site)}</p>");
        body.Append(CultureInfo.InvariantCulture, $"<p><strong id=\"app-name\">{E(request.App.Name)}</strong> would like permission to access your account. It is a third-party application: if you do not trust it, do not authorize it.</p>");
        if (request.App.Website is { Length: > 0 } website && Uri.TryCreate(website, UriKind.Absolute, out var site2) && site2.Scheme is "https" or "http")
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"who\">Website: <a href=\"{E(website)}\" rel=\"noopener noreferrer\">{E(site2.Host)}</a></p>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<p class=\"who\">Signed in as <strong id=\"account\">@{E(account.Username)}@{E(domain)}</strong> · <a href=\"{E(request.AuthorizeUrl(forceLogin: true))}\">not you?</a></p>");
        body.Append("<p>The application will be able to:</p><ul class=\"scopes\" id=\"scopes\">");
        foreach (var scope in request.Scopes)
        {
            body.Append(CultureInfo.InvariantCulture, $"<li>{E(Scopes.Describe(scope))} <code>{E(scope)}</code></li>");
        }

        body.Append("</ul>");
        body.Append("<form method=\"post\" action=\"/oauth/authorize\" id=\"consent\">");
        Hidden(body, request, antiForgery, "consent");
        body.Append("<div class=\"actions\">");
        body.Append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\" id=\"deny\">Deny</button>");
        body.Append("<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"primary\" id=\"authorize\">Authorize</button>");
        body.Append("</div></form>");
        return Layout("Authorize " + request.App.Name, body.ToString(), nonce);
    }

    /// <summary>The out-of-band page: the code, to copy into the app.</summary>
    public static string Code(string site, string code, string nonce) => Layout(
        "Authorization code",
        $"<h1>Authorization code</h1><p class=\"site\">{E(site)}</p><p>Copy this code and paste it into the application.</p>"
        + $"<input type=\"text\" class=\"oauth-code\" id=\"authorization-code\" readonly value=\"{E(code)}\" aria-label=\"Authorization code\">",
        nonce);

    public static string Message(string site, string title, string message, string nonce, string id = "message") => Layout(
        title,
        $"<h1>{E(title)}</h1><p class=\"site\">{E(site)}</p><p class=\"notice\" id=\"{E(id)}\">{E(message)}</p>",
        nonce);

    public static string Error(string site, string error, string description, string nonce) => Layout(
        "An error has occurred",
        $"<h1>An error has occurred</h1><p class=\"site\">{E(site)}</p><p class=\"error\" id=\"error\"><strong id=\"error-code\">{E(error)}</strong>: {E(description)}</p>",
        nonce);

    private static void Hidden(StringBuilder body, AuthorizationRequest request, string antiForgery, string step)
    {
        body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{BrowserSecurity.AntiForgeryField}\" value=\"{E(antiForgery)}\">");
        body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"step\" value=\"{E(step)}\">");
        foreach (var (name, value) in request.Fields())
        {
            body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }
    }

    private static string Layout(string title, string main, string nonce) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"same-origin\">"
        + "<meta name=\"robots\" content=\"noindex\">"
        + $"<title>{E(title)}</title><style nonce=\"{E(nonce)}\">{Css}</style></head>"
        + $"<body><main>{main}</main></body></html>";
}
