using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Accounts;
using Serverless.Core.Errors;
using Serverless.Core.Moderation;
using Serverless.Core.OAuth;
using Serverless.Core.Security;
using Serverless.Mastodon.Http;
using Serverless.Mastodon.OAuth;

namespace Serverless.Mastodon.Pages;

/// <summary>
/// The small admin web interface: open reports with a resolve button, and instance domain blocks with a form to add one.
/// Served under <c>/moderation/…</c> rather than Mastodon's <c>/admin/…</c>, because the Azure Functions host keeps every
/// path starting with <c>admin</c> for itself. A browser signs in here (the same credentials and brute-force throttle as
/// the OAuth sign-in page) and gets its own HttpOnly session cookie, scoped to these pages; every form carries an
/// anti-forgery token signed over a second cookie, and only moderators, admins and the owner get past the sign-in.
/// </summary>
public static class AdminPages
{
    public const string Base = "/moderation";
    public const string SessionCookie = "_serverless_moderation";
    public const string AntiForgeryCookie = "_serverless_moderation_csrf";
    public const string AntiForgeryField = "authenticity_token";

    private const string Style =
        "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f4f5f7;color:#1f232b}" +
        "main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem;background:#fff;min-height:100vh}" +
        "nav a{margin-right:1rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #dde;padding:.4rem;vertical-align:top}" +
        "form.inline{display:inline}label{display:block;margin-top:.5rem}input[type=text],input[type=password],select{padding:.3rem;min-width:16rem}" +
        "button{margin-top:.5rem;padding:.3rem .8rem}.error{color:#b00020}.empty{color:#667}";

    /// <summary><c>GET /moderation</c>: the reports page.</summary>
    public static Task Home(ApiRequest request)
    {
        BrowserSecurity.Redirect(request, Base + "/reports");
        return Task.CompletedTask;
    }

    /// <summary><c>GET /moderation/reports</c>: unresolved reports, newest first.</summary>
    public static async Task Reports(ApiRequest request)
    {
        if (await StaffAsync(request, Base + "/reports") is not { } staff)
        {
            return;
        }

        var reports = await request.Service<ReportService>().ListAsync(new ReportFilter(), null, null, 100, request.Aborted);
        var accounts = (await request.Service<AccountService>().GetManyAsync(reports.SelectMany(r => new[] { r.AccountId, r.TargetAccountId }).Distinct(StringComparer.Ordinal).ToList(), request.Aborted))
            .ToDictionary(a => a.Id, StringComparer.Ordinal);
        var token = await IssueAntiForgeryTokenAsync(request);
        var body = new StringBuilder();
        Header(body, staff, token, "Reports");
        if (reports.Count == 0)
        {
            body.Append("<p class=\"empty\" id=\"no-reports\">No open reports.</p>");
        }
        else
        {
            body.Append("<table id=\"reports\"><thead><tr><th>Reported</th><th>By</th><th>Category</th><th>Comment</th><th>Posts</th><th>Filed</th><th></th></tr></thead><tbody>");
            foreach (var report in reports)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr id=\"report-{E(report.Id)}\"><td>{E(Handle(accounts.GetValueOrDefault(report.TargetAccountId)))}</td><td>{E(Handle(accounts.GetValueOrDefault(report.AccountId)))}</td>");
                body.Append(CultureInfo.InvariantCulture, $"<td>{E(report.Category)}</td><td>{E(report.Comment)}</td><td>{report.StatusIds.Count}</td><td>{E(report.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}</td>");
                body.Append(CultureInfo.InvariantCulture, $"<td><form class=\"inline\" method=\"post\" action=\"{Base}/reports/{E(report.Id)}/resolve\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\"><button type=\"submit\" class=\"resolve\">Resolve</button></form></td></tr>");
            }

            body.Append("</tbody></table>");
        }

        await WriteAsync(request, StatusCodes.Status200OK, "Reports", body.ToString());
    }

    /// <summary><c>POST /moderation/reports/:id/resolve</c>.</summary>
    public static async Task Resolve(ApiRequest request)
    {
        if (await StaffForFormAsync(request) is not { } staff)
        {
            return;
        }

        try
        {
            await request.Service<ReportService>().ResolveAsync(request.Route("id"), staff.Account.Id, request.Aborted);
        }
        catch (RecordNotFoundException)
        {
            await MessageAsync(request, StatusCodes.Status404NotFound, "Not found", "There is no such report.");
            return;
        }

        BrowserSecurity.Redirect(request, Base + "/reports", StatusCodes.Status303SeeOther);
    }

    /// <summary><c>GET /moderation/domain_blocks</c>: the blocks, and a form to add one.</summary>
    public static Task DomainBlocks(ApiRequest request) => DomainBlocksPageAsync(request, StatusCodes.Status200OK, error: null);

    /// <summary><c>POST /moderation/domain_blocks</c>: adds a block from the form.</summary>
    public static async Task CreateDomainBlock(ApiRequest request)
    {
        if (await StaffForFormAsync(request) is null)
        {
            return;
        }

        var p = request.Params;
        try
        {
            await request.Service<DomainBlockService>().CreateAsync(
                new DomainBlockRecord
                {
                    Id = "",
                    Domain = p.GetString("domain") ?? "",
                    Severity = p.GetString("severity") ?? DomainBlockSeverity.Silence,
                    RejectMedia = p.GetBool("reject_media") ?? false,
                    RejectReports = p.GetBool("reject_reports") ?? false,
                    PublicComment = NullIfEmpty(p.GetString("public_comment")),
                    PrivateComment = NullIfEmpty(p.GetString("private_comment")),
                    Obfuscate = p.GetBool("obfuscate") ?? false,
                    CreatedAt = default,
                },
                request.Aborted);
        }
        catch (ValidationFailedException ex)
        {
            await DomainBlocksPageAsync(request, StatusCodes.Status422UnprocessableEntity, ex.Message);
            return;
        }

        BrowserSecurity.Redirect(request, Base + "/domain_blocks", StatusCodes.Status303SeeOther);
    }

    /// <summary><c>POST /moderation/domain_blocks/:id/delete</c>: lifts a block.</summary>
    public static async Task DeleteDomainBlock(ApiRequest request)
    {
        if (await StaffForFormAsync(request) is null)
        {
            return;
        }

        try
        {
            await request.Service<DomainBlockService>().DeleteAsync(request.Route("id"), request.Aborted);
        }
        catch (RecordNotFoundException)
        {
            await MessageAsync(request, StatusCodes.Status404NotFound, "Not found", "There is no such domain block.");
            return;
        }

        BrowserSecurity.Redirect(request, Base + "/domain_blocks", StatusCodes.Status303SeeOther);
    }

    /// <summary><c>GET /moderation/rules</c>: the instance rules (Mastodon manages them only in its admin pages), and a form to add one.</summary>
    public static Task Rules(ApiRequest request) => RulesPageAsync(request, StatusCodes.Status200OK, error: null);

    /// <summary><c>POST /moderation/rules</c>.</summary>
    public static async Task CreateRule(ApiRequest request)
    {
        if (await StaffForFormAsync(request) is null)
        {
            return;
        }

        try
        {
            await request.Service<RuleService>().CreateAsync(request.Params.GetString("text"), request.Params.GetString("hint"), request.Aborted);
        }
        catch (ValidationFailedException ex)
        {
            await RulesPageAsync(request, StatusCodes.Status422UnprocessableEntity, ex.Message);
            return;
        }

        BrowserSecurity.Redirect(request, Base + "/rules", StatusCodes.Status303SeeOther);
    }

    /// <summary><c>POST /moderation/rules/:id/delete</c>.</summary>
    public static async Task DeleteRule(ApiRequest request)
    {
        if (await StaffForFormAsync(request) is null)
        {
            return;
        }

        try
        {
            await request.Service<RuleService>().DeleteAsync(request.Route("id"), request.Aborted);
        }
        catch (RecordNotFoundException)
        {
            await MessageAsync(request, StatusCodes.Status404NotFound, "Not found", "There is no such rule.");
            return;
        }

        BrowserSecurity.Redirect(request, Base + "/rules", StatusCodes.Status303SeeOther);
    }

    /// <summary><c>POST /moderation/sign_in</c>: checks the credentials, starts a session and goes back where the browser came from.</summary>
    public static async Task SignIn(ApiRequest request)
    {
        var back = ReturnPath(request.Params.GetString("return_to"));
        if (!await IsValidAntiForgeryTokenAsync(request))
        {
            await SignInPageAsync(request, StatusCodes.Status403Forbidden, "The form has expired. Please try again.", back);
            return;
        }

        var result = await request.Service<SignInService>().SignInAsync(request.Params.GetString("login"), request.Params.GetString("password"), BrowserSecurity.ClientAddress(request), request.Aborted);
        switch (result.Outcome)
        {
            case SignInOutcome.Throttled:
                await SignInPageAsync(request, StatusCodes.Status429TooManyRequests, "Too many failed sign-in attempts. Try again later.", back);
                return;
            case SignInOutcome.InvalidCredentials:
                await SignInPageAsync(request, StatusCodes.Status401Unauthorized, "Invalid email address, username or password.", back);
                return;
        }

        if (result.User is not { Role: >= UserRole.Moderator, Approved: true })
        {
            await MessageAsync(request, StatusCodes.Status403Forbidden, "Not allowed", "Only moderators and admins can use these pages.");
            return;
        }

        var sessions = request.Service<SignInService>();
        await sessions.EndSessionAsync(Cookie(request, SessionCookie), request.Aborted);
        var session = await sessions.StartSessionAsync(result.Account!.Id, request.Aborted);
        request.Http.Response.Cookies.Append(SessionCookie, session, CookieOptions(request, SignInService.SessionLifetime));
        BrowserSecurity.Redirect(request, back, StatusCodes.Status303SeeOther);
    }

    /// <summary><c>POST /moderation/sign_out</c>.</summary>
    public static async Task SignOut(ApiRequest request)
    {
        if (await IsValidAntiForgeryTokenAsync(request))
        {
            await request.Service<SignInService>().EndSessionAsync(Cookie(request, SessionCookie), request.Aborted);
            request.Http.Response.Cookies.Delete(SessionCookie, CookieOptions(request, TimeSpan.Zero));
        }

        BrowserSecurity.Redirect(request, Base + "/reports", StatusCodes.Status303SeeOther);
    }

    private static async Task DomainBlocksPageAsync(ApiRequest request, int status, string? error)
    {
        if (await StaffAsync(request, Base + "/domain_blocks") is not { } staff)
        {
            return;
        }

        var blocks = await request.Service<DomainBlockService>().ListAsync(null, null, 200, request.Aborted);
        var token = await IssueAntiForgeryTokenAsync(request);
        var body = new StringBuilder();
        Header(body, staff, token, "Domain blocks");
        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\" role=\"alert\">{E(error)}</p>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{Base}/domain_blocks\" id=\"new-domain-block\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\">");
        body.Append("<label for=\"domain\">Domain</label><input type=\"text\" id=\"domain\" name=\"domain\" required autocapitalize=\"none\" spellcheck=\"false\">");
        body.Append("<label for=\"severity\">Severity</label><select id=\"severity\" name=\"severity\"><option value=\"silence\">Limit (silence)</option><option value=\"suspend\">Suspend</option><option value=\"noop\">None</option></select>");
        body.Append("<label><input type=\"checkbox\" name=\"reject_media\" value=\"true\"> Reject media files</label>");
        body.Append("<label><input type=\"checkbox\" name=\"reject_reports\" value=\"true\"> Reject reports</label>");
        body.Append("<label><input type=\"checkbox\" name=\"obfuscate\" value=\"true\"> Obfuscate domain name in the public list</label>");
        body.Append("<label for=\"public_comment\">Public comment</label><input type=\"text\" id=\"public_comment\" name=\"public_comment\">");
        body.Append("<label for=\"private_comment\">Private comment</label><input type=\"text\" id=\"private_comment\" name=\"private_comment\">");
        body.Append("<div><button type=\"submit\" id=\"add-domain-block\">Block domain</button></div></form>");
        if (blocks.Count == 0)
        {
            body.Append("<p class=\"empty\" id=\"no-domain-blocks\">No blocked domains.</p>");
        }
        else
        {
            body.Append("<table id=\"domain-blocks\"><thead><tr><th>Domain</th><th>Severity</th><th>Media</th><th>Reports</th><th>Public comment</th><th></th></tr></thead><tbody>");
            foreach (var block in blocks)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr id=\"domain-block-{E(block.Id)}\"><td class=\"domain\">{E(block.Domain)}</td><td>{E(block.Severity)}</td><td>{(block.RejectMedia ? "rejected" : "")}</td><td>{(block.RejectReports ? "rejected" : "")}</td><td>{E(block.PublicComment)}</td>");
                body.Append(CultureInfo.InvariantCulture, $"<td><form class=\"inline\" method=\"post\" action=\"{Base}/domain_blocks/{E(block.Id)}/delete\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\"><button type=\"submit\">Remove</button></form></td></tr>");
            }

            body.Append("</tbody></table>");
        }

        await WriteAsync(request, status, "Domain blocks", body.ToString());
    }

    private static async Task RulesPageAsync(ApiRequest request, int status, string? error)
    {
        if (await StaffAsync(request, Base + "/rules") is not { } staff)
        {
            return;
        }

        var rules = await request.Service<RuleService>().ListAsync(request.Aborted);
        var token = await IssueAntiForgeryTokenAsync(request);
        var body = new StringBuilder();
        Header(body, staff, token, "Server rules");
        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\" role=\"alert\">{E(error)}</p>");
        }

        if (rules.Count == 0)
        {
            body.Append("<p class=\"empty\" id=\"no-rules\">No rules yet.</p>");
        }
        else
        {
            body.Append("<ol id=\"rules\">");
            foreach (var rule in rules)
            {
                body.Append(CultureInfo.InvariantCulture, $"<li id=\"rule-{E(rule.Id)}\"><strong>{E(rule.Text)}</strong> {E(rule.Hint)} ");
                body.Append(CultureInfo.InvariantCulture, $"<form class=\"inline\" method=\"post\" action=\"{Base}/rules/{E(rule.Id)}/delete\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\"><button type=\"submit\">Delete</button></form></li>");
            }

            body.Append("</ol>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{Base}/rules\" id=\"new-rule\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\">");
        body.Append(CultureInfo.InvariantCulture, $"<label for=\"text\">Rule</label><input type=\"text\" id=\"text\" name=\"text\" required maxlength=\"{RuleService.MaxTextLength}\">");
        body.Append(CultureInfo.InvariantCulture, $"<label for=\"hint\">Explanation (optional)</label><input type=\"text\" id=\"hint\" name=\"hint\" maxlength=\"{RuleService.MaxHintLength}\">");
        body.Append("<div><button type=\"submit\" id=\"add-rule\">Add rule</button></div></form>");
        await WriteAsync(request, status, "Server rules", body.ToString());
    }

    private static void Header(StringBuilder body, (AccountRecord Account, UserRecord User) staff, string token, string title)
    {
        body.Append(CultureInfo.InvariantCulture, $"<nav><a href=\"{Base}/reports\">Reports</a><a href=\"{Base}/domain_blocks\">Domain blocks</a><a href=\"{Base}/rules\">Rules</a>");
        body.Append(CultureInfo.InvariantCulture, $"<span id=\"signed-in\">@{E(staff.Account.Username)} ({E(staff.User.Role.ToString())})</span> ");
        body.Append(CultureInfo.InvariantCulture, $"<form class=\"inline\" method=\"post\" action=\"{Base}/sign_out\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\"><button type=\"submit\">Sign out</button></form></nav>");
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>");
    }

    /// <summary>The signed-in staff member, or null after answering with the sign-in form (or a 403 for a signed-in non-staff user).</summary>
    private static async Task<(AccountRecord Account, UserRecord User)?> StaffAsync(ApiRequest request, string returnTo)
    {
        var signedIn = await SignedInAsync(request);
        if (signedIn is null)
        {
            await SignInPageAsync(request, StatusCodes.Status401Unauthorized, null, returnTo);
            return null;
        }

        if (signedIn.Value.User.Role < UserRole.Moderator)
        {
            await MessageAsync(request, StatusCodes.Status403Forbidden, "Not allowed", "Only moderators and admins can use these pages.");
            return null;
        }

        return signedIn;
    }

    /// <summary>For a form post: a valid anti-forgery token and a signed-in staff member, else an error page and null.</summary>
    private static async Task<(AccountRecord Account, UserRecord User)?> StaffForFormAsync(ApiRequest request)
    {
        if (!await IsValidAntiForgeryTokenAsync(request))
        {
            await MessageAsync(request, StatusCodes.Status403Forbidden, "This form has expired", "The form was too old or did not come from this site. Go back, reload the page and try again.");
            return null;
        }

        return await StaffAsync(request, Base + "/reports");
    }

    private static async Task<(AccountRecord Account, UserRecord User)?> SignedInAsync(ApiRequest request)
    {
        var session = await request.Service<SignInService>().FindSessionAsync(Cookie(request, SessionCookie), request.Aborted);
        if (session is null)
        {
            return null;
        }

        var accounts = request.Service<AccountService>();
        var account = await accounts.GetAsync(session.AccountId, request.Aborted);
        var user = account is null ? null : await accounts.GetUserAsync(account.Id, request.Aborted);
        return account is null || user is null || user.Disabled || account.SuspendedAt is not null ? null : (account, user);
    }

    private static async Task SignInPageAsync(ApiRequest request, int status, string? error, string returnTo)
    {
        var token = await IssueAntiForgeryTokenAsync(request);
        var body = new StringBuilder("<h1>Moderation</h1><p>Sign in with a moderator or admin account.</p>");
        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\" role=\"alert\">{E(error)}</p>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{Base}/sign_in\" id=\"sign-in\"><input type=\"hidden\" name=\"{AntiForgeryField}\" value=\"{E(token)}\"><input type=\"hidden\" name=\"return_to\" value=\"{E(returnTo)}\">");
        body.Append("<label for=\"login\">Email address or username</label><input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>");
        body.Append("<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>");
        body.Append("<div><button type=\"submit\" id=\"sign-in-button\">Sign in</button></div></form>");
        await WriteAsync(request, status, "Sign in", body.ToString());
    }

    private static Task MessageAsync(ApiRequest request, int status, string title, string text) =>
        WriteAsync(request, status, title, $"<h1>{E(title)}</h1><p id=\"message\">{E(text)}</p><p><a href=\"{Base}/reports\">Back</a></p>");

    private static Task WriteAsync(ApiRequest request, int status, string title, string body) =>
        BrowserSecurity.WriteHtmlAsync(request, status, nonce => $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>{E(title)} - Moderation - {E(request.Instance.Title)}</title>
            <style nonce="{nonce}">{Style}</style>
            </head><body><main>{body}</main></body></html>
            """);

    /// <summary>Only paths of these pages: a crafted <c>return_to</c> must not send the browser elsewhere.</summary>
    private static string ReturnPath(string? value) =>
        value is { Length: < 200 } path && path.StartsWith(Base + "/", StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal)
            ? path
            : Base + "/reports";

    private static CookieOptions CookieOptions(ApiRequest request, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.Instance.LocalHttps,
        Path = Base,
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static string? Cookie(ApiRequest request, string name) =>
        request.Http.Request.Cookies.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The forms' token: an HMAC, under a server key, of this browser's anti-forgery cookie (set here when missing).</summary>
    private static async Task<string> IssueAntiForgeryTokenAsync(ApiRequest request)
    {
        var cookie = Cookie(request, AntiForgeryCookie);
        if (cookie is null || cookie.Length is < 20 or > 100)
        {
            cookie = Secrets.NewToken();
            request.Http.Response.Cookies.Append(AntiForgeryCookie, cookie, CookieOptions(request, SignInService.SessionLifetime));
        }

        return await SignAsync(request, cookie);
    }

    private static async Task<bool> IsValidAntiForgeryTokenAsync(ApiRequest request)
    {
        var cookie = Cookie(request, AntiForgeryCookie);
        var token = request.Params.GetString(AntiForgeryField);
        if (cookie is null || string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return false;
        }

        var expected = await SignAsync(request, cookie);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token));
    }

    private static async Task<string> SignAsync(ApiRequest request, string cookie)
    {
        var key = await request.Service<SigningKeys>().GetAsync("moderation-anti-forgery", request.Aborted);
        return Secrets.Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("moderation|" + cookie)));
    }

    private static string Handle(AccountRecord? account) =>
        account is null ? "(gone)" : account.IsLocal ? "@" + account.Username : $"@{account.Username}@{account.Domain}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");
}
