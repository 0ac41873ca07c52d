using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Configuration;
using Serverless.Core.Ids;
using Serverless.Core.Statuses;
using Serverless.Embedded;
using Serverless.Mastodon;

namespace Serverless.Tests.Federation;

/// <summary>Remote statuses get ids from their `published` time, which has whole seconds: two of the same second must not collide.</summary>
public sealed class RemoteIdsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "serverless-remote-ids-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_taken_id_moves_to_the_next_free_one_and_a_conflict_never_removes_the_other_status()
    {
        var options = new InstanceOptions { LocalDomain = "example.test", DataDirectory = _dataDirectory };
        await using var provider = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddServerlessApplication(options)
            .AddEmbeddedAdapters(options, runQueuePump: false)
            .BuildServiceProvider();
        var statuses = provider.GetRequiredService<StatusService>();
        var published = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        const string FirstUri = "https://remote.example/users/bob/statuses/1";
        const string SecondUri = "https://remote.example/users/bob/statuses/2";

        // The second post is given the id the first one derives, as a hash collision would.
        var derived = SnowflakeIds.FromTimestamp(published, FirstUri).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first = await statuses.CreateRemoteAsync(Remote(derived, SecondUri, published), [], null, default);
        Assert.Equal(derived, first.Id);

        var allocated = await statuses.AllocateRemoteIdAsync(published, FirstUri, default);
        Assert.NotEqual(derived, allocated);
        Assert.Equal(SnowflakeIds.TimestampOf(long.Parse(derived, System.Globalization.CultureInfo.InvariantCulture)), SnowflakeIds.TimestampOf(long.Parse(allocated, System.Globalization.CultureInfo.InvariantCulture)));
        var second = await statuses.CreateRemoteAsync(Remote(allocated, FirstUri, published), [], null, default);
        Assert.Equal(allocated, second.Id);

        // A racing writer that still picks the taken id fails without touching the status that holds it.
        await Assert.ThrowsAnyAsync<Exception>(() => statuses.CreateRemoteAsync(Remote(derived, "https://remote.example/users/bob/statuses/3", published), [], null, default));
        Assert.Equal(SecondUri, (await statuses.GetAsync(derived, default))!.Uri);
        Assert.Equal(derived, (await statuses.FindByUriAsync(SecondUri, default))!.Id);
        Assert.Equal(allocated, (await statuses.FindByUriAsync(FirstUri, default))!.Id);
        Assert.Null(await statuses.FindByUriAsync("https://remote.example/users/bob/statuses/3", default));
    }

    private static StatusRecord Remote(string id, string uri, DateTimeOffset published) => new()
    {
        Id = id,
        AccountId = "1",
        Uri = uri,
        Url = uri,
        Visibility = Visibility.Public,
        CreatedAt = published,
        Local = false,
        ConversationId = id,
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temp folder is cleaned eventually.
        }
    }
}
