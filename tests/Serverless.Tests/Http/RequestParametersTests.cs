using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Mastodon.Http;

namespace Serverless.Tests.Http;

public sealed class RequestParametersTests
{
    private static async Task<RequestParameters> ReadAsync(string contentType, string body, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString(query);
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = context.Request.Body.Length;
        return await RequestParameters.ReadAsync(context.Request, CancellationToken.None);
    }

    [Fact]
    public async Task Form_brackets_become_arrays_and_nested_objects()
    {
        var p = await ReadAsync(
            "application/x-www-form-urlencoded",
            "media_ids[]=1&media_ids[]=2&fields_attributes[0][name]=Site&fields_attributes[0][value]=x&poll[options][]=a&poll[options][]=b&sensitive=1");
        Assert.Equal(["1", "2"], p.GetStrings("media_ids"));
        Assert.Equal("Site", p.Get("fields_attributes")!["0"]!["name"]!.GetValue<string>());
        Assert.Equal(2, p.Get("poll")!["options"]!.AsArray().Count);
        Assert.True(p.GetBool("sensitive"));
    }

    [Fact]
    public async Task Json_and_form_read_the_same_way()
    {
        var json = await ReadAsync("application/json", """{"media_ids":["1","2"],"sensitive":true,"limit":5}""");
        Assert.Equal(["1", "2"], json.GetStrings("media_ids"));
        Assert.True(json.GetBool("sensitive"));
        Assert.Equal(5, json.GetInt("limit"));
        Assert.Equal("5", json.GetString("limit"));
    }

    [Fact]
    public async Task Body_values_win_over_query_values()
    {
        var p = await ReadAsync("application/json", """{"limit":"7"}""", "?limit=3&max_id=9");
        Assert.Equal(7, p.GetInt("limit"));
        Assert.Equal("9", p.GetString("max_id"));
    }

    [Theory]
    [InlineData("application/json", "{oops")]
    [InlineData("application/json", "[1,2]")]
    public async Task Malformed_bodies_are_a_400(string contentType, string body)
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => ReadAsync(contentType, body));
        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public async Task A_boolean_that_is_not_one_is_a_422()
    {
        var p = await ReadAsync("application/json", """{"sensitive":"perhaps"}""");
        Assert.Equal(422, Assert.Throws<ApiException>(() => p.GetBool("sensitive")).Status);
    }
}
