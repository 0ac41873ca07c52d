using System.Net;
using Serverless.Mastodon.Http;

namespace Serverless.Mastodon.Pages;

/// <summary>
/// <c>GET /authorize_interaction?uri=…</c>: where WebFinger's subscribe template sends someone who
/// wants to follow or answer something from this server. There is no web client here, so the page
/// says how to do it from an app: search for the address there.
/// </summary>
public static class AuthorizeInteractionPage
{
    public static Task Show(ApiRequest request)
    {
        var uri = request.Params.GetString("uri") ?? request.Params.GetString("acct") ?? "";
        if (uri.Length == 0)
        {
            throw ApiException.BadRequest("param is missing or the value is empty: uri");
        }

        var encoded = WebUtility.HtmlEncode(uri);
        var body = $"""
            <h1>Follow or interact</h1>
            <p>To follow or interact with <code>{encoded}</code>, paste this address into the search of your Mastodon app, signed in to your account on {WebUtility.HtmlEncode(request.Instance.LocalDomain)}.</p>
            """;
        return request.Raw(PageLayout.Document(request.Instance.Title, "Follow or interact", body), "text/html; charset=utf-8");
    }
}
