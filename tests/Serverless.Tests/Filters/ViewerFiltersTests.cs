using Serverless.Core.Accounts;
using Serverless.Core.Filters;
using Serverless.Core.Media;
using Serverless.Core.Statuses;
using Serverless.Core.Timelines;

namespace Serverless.Tests.Filters;

/// <summary>The matcher: Mastodon's whole-word rule, case, searchable text, contexts and expiry.</summary>
public sealed class ViewerFiltersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static FilterRecord Filter(string keyword, bool wholeWord, DateTimeOffset? expiresAt = null, params string[] context) => new()
    {
        Id = "1",
        AccountId = "9",
        Title = "t",
        Context = context.Length == 0 ? ["home"] : [.. context],
        ExpiresAt = expiresAt,
        Keywords = [new FilterKeywordRecord("2", keyword, wholeWord)],
        CreatedAt = Now,
    };

    private static StatusView View(string html, string spoiler = "", string? mediaDescription = null)
    {
        var status = new StatusRecord
        {
            Id = "100",
            AccountId = "7",
            Uri = "https://example.test/statuses/100",
            Url = "https://example.test/@bob/100",
            Content = html,
            SpoilerText = spoiler,
            Visibility = Visibility.Public,
            CreatedAt = Now,
        };
        var author = new AccountRecord { Id = "7", Username = "bob", Uri = "https://example.test/users/bob", Url = "https://example.test/@bob", CreatedAt = Now };
        var media = mediaDescription is null
            ? []
            : new List<MediaAttachmentRecord> { new() { Id = "5", AccountId = "7", Type = "image", ContentType = "image/png", Description = mediaDescription, CreatedAt = Now } };
        return new StatusView(status, author, null) { Media = media };
    }

    private static IReadOnlyList<FilterMatch> Match(FilterRecord filter, StatusView view, string context = "home") =>
        new ViewerFilters([filter]).Match(view, context, Now);

    [Theory]
    [InlineData("cat", true, "<p>my cat sleeps</p>", "cat")]
    [InlineData("cat", true, "<p>my CAT sleeps</p>", "CAT")]
    [InlineData("cat", true, "<p>concatenate</p>", null)]
    [InlineData("cat", false, "<p>concatenate</p>", "cat")]
    [InlineData("#cats", true, "<p>I like <a href=\"x\">#<span>cats</span></a>!</p>", "#cats")]
    [InlineData("c++", true, "<p>writing c++ daily</p>", "c++")]
    [InlineData("big deal", true, "<p>a big deal indeed</p>", "big deal")]
    [InlineData("fish & chips", true, "<p>fish &amp; chips</p>", "fish & chips")]
    [InlineData("line", true, "<p>first<br>line</p>", "line")]
    public void Keywords_match_as_mastodon_matches_them(string keyword, bool wholeWord, string html, string? expected)
    {
        var matches = Match(Filter(keyword, wholeWord), View(html));
        if (expected is null)
        {
            Assert.Empty(matches);
        }
        else
        {
            Assert.Equal([expected], Assert.Single(matches).KeywordMatches!);
        }
    }

    [Fact]
    public void Content_warnings_and_media_descriptions_are_searched()
    {
        Assert.Single(Match(Filter("spider", true), View("<p>look</p>", spoiler: "spider")));
        Assert.Single(Match(Filter("spider", true), View("<p>look</p>", mediaDescription: "a big spider")));
        Assert.Empty(Match(Filter("spider", true), View("<p>look</p>")));
    }

    [Fact]
    public void Other_contexts_and_expired_filters_do_not_match()
    {
        Assert.Empty(Match(Filter("cat", true, context: "public"), View("<p>cat</p>"), "home"));
        Assert.Single(Match(Filter("cat", true, context: "public"), View("<p>cat</p>"), "public"));
        Assert.Empty(Match(Filter("cat", true, Now.AddSeconds(-1)), View("<p>cat</p>")));
        Assert.Single(Match(Filter("cat", true, Now.AddSeconds(1)), View("<p>cat</p>")));
        Assert.True(ViewerFilters.None.IsEmpty);
        Assert.Empty(ViewerFilters.None.Match(View("<p>cat</p>"), "home", Now));
    }
}
