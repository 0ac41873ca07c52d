using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serverless.ActivityPub.Signatures;

namespace Serverless.Tests.ActivityPub.Signatures;

public sealed class SignedRequestTests
{
    [Fact]
    public void From_an_aspnet_request_the_raw_target_host_scheme_and_joined_headers_are_taken()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 4002);
        context.Request.Path = "/users/bob/inbox";
        context.Request.QueryString = new QueryString("?a=%2F");
        context.Request.Headers.Append("Accept", "application/activity+json");
        context.Request.Headers.Append("Accept", "application/ld+json");
        context.Request.Headers["Signature"] = "keyId=\"x\"";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/users/bob/inbox?a=%2f";

        var request = SignedRequest.FromHttpRequest(context.Request, Encoding.UTF8.GetBytes("{}"));
        Assert.Equal("POST", request.Method);
        Assert.Equal("http", request.Scheme);
        Assert.Equal("127.0.0.1:4002", request.Authority);
        Assert.Equal("/users/bob/inbox?a=%2f", request.Target);
        Assert.Equal("application/activity+json, application/ld+json", request.Header("accept"));
        Assert.Equal("keyId=\"x\"", request.Header("SIGNATURE"));
        Assert.Null(request.Header("Digest"));
        Assert.Equal("{}", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void Without_a_raw_target_the_escaped_path_and_query_are_used()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString("local.example");
        context.Request.PathBase = "/base";
        context.Request.Path = "/users/b ob";
        context.Request.QueryString = new QueryString("?page=true");
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = string.Empty;

        var request = SignedRequest.FromHttpRequest(context.Request, ReadOnlyMemory<byte>.Empty);
        Assert.Equal("/base/users/b%20ob?page=true", request.Target);
    }

    [Fact]
    public void Create_joins_repeated_header_lines()
    {
        var request = SignedRequest.Create("GET", "https", "local.example", "/", [new("X-A", "1"), new("x-a", "2"), new("X-B", "3")], ReadOnlyMemory<byte>.Empty);
        Assert.Equal("1, 2", request.Header("X-A"));
        Assert.Equal("3", request.Header("x-b"));
        Assert.Equal("https", request.Scheme);
    }
}
