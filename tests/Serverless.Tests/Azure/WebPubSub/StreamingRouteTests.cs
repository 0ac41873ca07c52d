using System.Net;
using Serverless.Mastodon;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Azure.WebPubSub;

public sealed class StreamingRouteTests
{
    [Theory]
    [InlineData("/_streaming/connect")]
    [InlineData("/_streaming/message")]
    public void The_webhook_paths_are_routed(string path)
    {
        var match = Routes.Build().Find("POST", path);

        Assert.NotNull(match.Route);
        Assert.Equal(Routes.StreamingEventsTemplate, match.Route.Template);
    }

    [Fact]
    public async Task Where_streaming_runs_in_process_the_webhook_is_not_found()
    {
        await using var server = await StandaloneServer.StartAsync();

        using var response = await server.Client.PostAsync(new Uri("/_streaming/connect", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
