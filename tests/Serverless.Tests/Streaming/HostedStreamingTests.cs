using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Statuses;
using Serverless.Core.Streaming;
using Serverless.Core.Timelines;
using Serverless.Mastodon.Streaming;
using Serverless.Tests.EndToEnd;

namespace Serverless.Tests.Streaming;

/// <summary>
/// With a hosted publisher (Web PubSub sends group frames as published), user groups are filtered
/// for their one recipient before publishing; shared groups are not.
/// </summary>
public sealed class HostedStreamingTests
{
    [Fact]
    public async Task A_hosted_user_group_gets_nothing_the_recipient_mutes_blocks_or_hides()
    {
        await using var server = await StandaloneServer.StartAsync();
        var (alice, aliceAccount) = await server.SignUpAsync("alice");
        var (bob, bobAccount) = await server.SignUpAsync("bob");
        var (carol, _) = await server.SignUpAsync("carol");
        await StandaloneServer.PostJsonAsync(alice, $"/api/v1/accounts/{bobAccount["id"]}/mute", []);
        await StandaloneServer.PostJsonAsync(alice, "/api/v2/filters", new JsonObject
        {
            ["title"] = "No spoilers",
            ["context"] = new JsonArray("home"),
            ["filter_action"] = "hide",
            ["keywords_attributes"] = new JsonArray(new JsonObject { ["keyword"] = "spoilers" }),
        });
        var muted = await StandaloneServer.PostJsonAsync(bob, "/api/v1/statuses", new JsonObject { ["status"] = "Bob posts" });
        var spoiler = await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "Big spoilers" });
        var plain = await StandaloneServer.PostJsonAsync(carol, "/api/v1/statuses", new JsonObject { ["status"] = "Carol posts" });

        var recorded = new List<StreamEvent>();
        var publisher = new StreamingEventPublisher(new HostedServices(server.Services, new Recorder(recorded)), TimeProvider.System, NullLogger<StreamingEventPublisher>.Instance);
        var statuses = server.Services.GetRequiredService<StatusService>();
        var home = TimelineKeys.Home(aliceAccount["id"]!.GetValue<string>());
        foreach (var posted in new[] { muted, spoiler, plain })
        {
            var status = (await statuses.GetAsync(posted["id"]!.GetValue<string>(), CancellationToken.None))!;
            await publisher.TimelineAsync(StreamEvents.Update, status, home, CancellationToken.None);
            await publisher.TimelineAsync(StreamEvents.Update, status, TimelineKeys.Local, CancellationToken.None);
        }

        var toAlice = recorded.Where(e => e.Group == StreamNames.UserGroup(aliceAccount["id"]!.GetValue<string>())).ToList();
        var only = Assert.Single(toAlice);
        Assert.Contains("Carol posts", JsonNode.Parse(only.Payload)!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, recorded.Count(e => e.Group == StreamNames.PublicLocal));
    }

    private sealed class Recorder(List<StreamEvent> events) : IStreamPublisher
    {
        public Task PublishAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
        {
            lock (events)
            {
                events.Add(streamEvent);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>The running host's services with a hosted (not in-process) publisher.</summary>
    private sealed class HostedServices(IServiceProvider inner, IStreamPublisher publisher) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IStreamPublisher) ? publisher : inner.GetService(serviceType);
    }
}
