using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Streaming;

/// <summary>Where the instance documents tell clients to stream (Elk streams only when told; megalodon reads v1's <c>streaming_api</c>).</summary>
public sealed class StreamingUrlTests
{
    [Fact]
    public async Task The_instance_documents_name_this_host_over_ws_or_the_configured_streaming_host()
    {
        await using (var server = await StandaloneServer.StartAsync())
        {
            var v1 = await server.Client.GetFromJsonAsync<JsonObject>("/api/v1/instance");
            var v2 = await server.Client.GetFromJsonAsync<JsonObject>("/api/v2/instance");
            Assert.Equal($"ws://127.0.0.1:{server.Port}", v1!["urls"]!["streaming_api"]!.GetValue<string>());
            Assert.Equal($"ws://127.0.0.1:{server.Port}", v2!["configuration"]!["urls"]!["streaming"]!.GetValue<string>());
        }

        await using (var server = await StandaloneServer.StartAsync(new Dictionary<string, string?> { ["STREAMING_API_BASE_URL"] = "wss://streaming.example.com/" }))
        {
            var v1 = await server.Client.GetFromJsonAsync<JsonObject>("/api/v1/instance");
            var v2 = await server.Client.GetFromJsonAsync<JsonObject>("/api/v2/instance");
            Assert.Equal("wss://streaming.example.com", v1!["urls"]!["streaming_api"]!.GetValue<string>());
            Assert.Equal("wss://streaming.example.com", v2!["configuration"]!["urls"]!["streaming"]!.GetValue<string>());
        }
    }
}
