using System.Net;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Pages;

/// <summary><c>GET /about</c> and <c>/about/more</c>: who runs this server (the instance actor's <c>url</c> points here).</summary>
public static class AboutPage
{
    public static Task Show(ApiRequest request)
    {
        var instance = request.Instance;
        var contact = instance.ContactEmail.Length > 0 ? $"<p>Contact: <a href=\"mailto:{WebUtility.HtmlEncode(instance.ContactEmail)}\">{WebUtility.HtmlEncode(instance.ContactEmail)}</a></p>" : "";
        var body = $"""
            <h1>{WebUtility.HtmlEncode(instance.Title)}</h1>
            <p>{WebUtility.HtmlEncode(instance.Description)}</p>
            <p>{WebUtility.HtmlEncode(instance.LocalDomain)} is part of the fediverse: use any Mastodon app to sign in or to follow people here from another server.</p>
            {contact}
            """;
        return request.Raw(PageLayout.Document(instance.Title, "About", body), "text/html; charset=utf-8");
    }
}
