using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Accounts;
using Serverless.Core.Configuration;
using Serverless.Core.Interactions;
using Serverless.Core.Polls;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;
using Serverless.Embedded.FileSystem;
using Serverless.Mastodon.Entities;
using Serverless.Mastodon.Rendering;
using Xunit;

namespace Serverless.Tests.Http;

/// <summary>
/// Timeline pages write each status's viewer-independent JSON from a cache: whatever a client
/// receives that way must be exactly what the serializer writes for the same entity.
/// </summary>
public sealed class StatusJsonWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly EntityMapper _mapper = new(
        new InstanceOptions { LocalDomain = "writer.example", LocalHttps = true },
        new FileSystemMediaStore(Path.GetTempPath(), "https://writer.example/system"),
        TimeProvider.System);

    private static readonly AccountRecord Author = new()
    {
        Id = "1001",
        Username = "alice",
        CreatedAt = Now.AddDays(-30),
        Uri = "https://writer.example/users/alice",
        Url = "https://writer.example/@alice",
        DisplayName = "Alice <3 \"quotes\"",
    };

    private static StatusRecord NewStatus(string id, string? pollId = null, string? reblogOf = null) => new()
    {
        Id = id,
        AccountId = Author.Id,
        Uri = $"https://writer.example/users/alice/statuses/{id}",
        Url = $"https://writer.example/@alice/{id}",
        Visibility = "public",
        CreatedAt = Now,
        Content = reblogOf is null ? "<p>Hello <a href=\"https://example.com\">example.com</a> &amp; ünïcode 🎉</p>" : "",
        PollId = pollId,
        ReblogOfId = reblogOf,
        FavouritesCount = 3,
    };

    private static readonly PollRecord Poll = new()
    {
        Id = "3001",
        StatusId = "2002",
        AccountId = Author.Id,
        Options = [new PollOptionRecord("yes", 2), new PollOptionRecord("no", 1)],
        VotesCount = 3,
        VotersCount = 3,
        ExpiresAt = Now.AddDays(1),
        CreatedAt = Now,
    };

    public static TheoryData<string> Cases => ["anonymous", "viewer", "favourited", "poll", "poll-voted", "reblog", "filtered", "redraft-text", "reblog-of-filtered"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writes_what_the_serializer_writes(string name)
    {
        var status = Build(name);

        // Twice: the first call fills the cache, the second writes from it.
        for (var i = 0; i < 2; i++)
        {
            var written = Write([status, status]);
            var expected = JsonSerializer.Serialize(new List<Status> { status, status }, MastodonJsonContext.Default.ListStatus);
            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(written)),
                $"{name}: expected {expected}\nbut wrote {written}");
        }
    }

    [Fact]
    public void A_changed_record_gets_new_json()
    {
        var before = _mapper.ToStatus(new StatusView(NewStatus("2010"), Author, null) { Viewer = Untouched });
        Write([before]);
        var edited = NewStatus("2010") with { Content = "<p>edited</p>", FavouritesCount = 9 };
        var after = _mapper.ToStatus(new StatusView(edited, Author, null) { Viewer = Untouched });

        var node = JsonNode.Parse(Write([after]))!.AsArray()[0]!;

        Assert.Equal("<p>edited</p>", node["content"]!.GetValue<string>());
        Assert.Equal(9, node["favourites_count"]!.GetValue<long>());
    }

    /// <summary>A property added to <see cref="Status"/> must be compared before reusing the cache, or written per viewer.</summary>
    [Fact]
    public void Every_status_property_is_compared_or_written_per_viewer()
    {
        var properties = typeof(Status).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal);
        var covered = StatusJsonWriter.ComparedProperties.Concat(StatusJsonWriter.PerViewerProperties).Order(StringComparer.Ordinal);
        Assert.Equal(properties, covered);
    }

    private static ViewerState Untouched => new(false, false, false, false, false, null);

    private Status Build(string name)
    {
        var plain = NewStatus("2001");
        var withPoll = NewStatus("2002", pollId: Poll.Id);
        return name switch
        {
            "anonymous" => _mapper.ToStatus(new StatusView(plain, Author, null)),
            "viewer" => _mapper.ToStatus(new StatusView(plain, Author, null) { Viewer = Untouched }),
            "favourited" => _mapper.ToStatus(new StatusView(plain, Author, null) { Viewer = new ViewerState(true, false, true, true, true, null) }),
            "poll" => _mapper.ToStatus(new StatusView(withPoll, Author, null) { Poll = Poll, Viewer = Untouched }),
            "poll-voted" => _mapper.ToStatus(new StatusView(withPoll, Author, null) { Poll = Poll, Viewer = Untouched with { OwnVotes = [1] } }),
            "reblog" => _mapper.ToStatus(new StatusView(NewStatus("2003", reblogOf: plain.Id), Author, new StatusView(plain, Author, null) { Viewer = new ViewerState(true, true, false, false, false, null) }) { Viewer = Untouched }),
            "filtered" => _mapper.ToStatus(new StatusView(plain, Author, null) { Viewer = Untouched }) with { Filtered = [FilterMatch()] },
            "redraft-text" => _mapper.ToStatus(new StatusView(plain, Author, null) { Viewer = Untouched }) with { Text = "Hello example.com" },
            "reblog-of-filtered" => Reblogged(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private Status Reblogged()
    {
        var inner = _mapper.ToStatus(new StatusView(NewStatus("2004"), Author, null) { Viewer = Untouched });
        var outer = _mapper.ToStatus(new StatusView(NewStatus("2005", reblogOf: "2004"), Author, new StatusView(NewStatus("2004"), Author, null) { Viewer = Untouched }) { Viewer = Untouched });
        return outer with { Filtered = [FilterMatch()], Reblog = inner with { Filtered = [FilterMatch()] } };
    }

    private static FilterResult FilterMatch() =>
        new(new FilterSummary("7", "Spoilers", ["home"], null, "warn"), ["hello"], null);

    private static string Write(IReadOnlyList<Status> statuses)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        StatusJsonWriter.WriteArray(buffer, writer, statuses);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
