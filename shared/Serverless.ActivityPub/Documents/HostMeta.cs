using System.Security;
using System.Text.Json.Nodes;

namespace Serverless.ActivityPub.Documents;

/// <summary>
/// <c>/.well-known/host-meta</c> (RFC 6415): where WebFinger lives, as an XRD document and as
/// JSON. Older software (and some clients) find WebFinger through it.
/// </summary>
public static class HostMeta
{
    public const string XrdContentType = "application/xrd+xml; charset=utf-8";
    public const string JsonContentType = "application/json; charset=utf-8";

    public static string Template(string baseUrl) => $"{baseUrl}/.well-known/webfinger?resource={{uri}}";

    public static string Xrd(string baseUrl) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
          <Link rel="lrdd" template="{SecurityElement.Escape(Template(baseUrl))}"/>
        </XRD>

        """;

    public static JsonObject Json(string baseUrl) => new()
    {
        ["links"] = new JsonArray(new JsonObject { ["rel"] = "lrdd", ["template"] = Template(baseUrl) }),
    };
}
