using Serverless.Core.Statuses;

namespace Serverless.Tests.Statuses;

public sealed class TextFormatterTests
{
    [Fact]
    public void Paragraphs_line_breaks_and_escaping()
    {
        Assert.Equal("<p>one<br />two</p><p>three &lt;b&gt;</p>", TextFormatter.ToHtml("one\ntwo\n\nthree <b>"));
    }

    [Fact]
    public void Links_are_shortened_as_mastodon_shows_them()
    {
        var html = TextFormatter.ToHtml("see https://www.example.com/a/very/long/path/that/goes/on/and/on.");
        Assert.Contains("<a href=\"https://www.example.com/a/very/long/path/that/goes/on/and/on\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"invisible\">https://www.</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"ellipsis\">example.com/a/very/long/path/t</span>", html, StringComparison.Ordinal);
        Assert.EndsWith("</a>.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_count_as_23_characters()
    {
        Assert.Equal(4 + 23, TextFormatter.CountCharacters("see https://example.com/" + new string('x', 200)));
        Assert.Equal(2, TextFormatter.CountCharacters("👍🏽a"));
    }

    [Fact]
    public void Resolved_mentions_become_h_card_links_and_unknown_ones_stay_text()
    {
        var mentions = new Dictionary<string, MentionRecord>
        {
            ["bob"] = new("2", "bob", "bob", "https://example.test/@bob"),
            ["carol@remote.example"] = new("3", "carol", "carol@remote.example", "https://remote.example/@carol"),
        };

        var html = TextFormatter.ToHtml("hi @Bob and @carol@remote.example, not @nobody@else.example or mail@bob.test", "https://example.test", mentions);

        Assert.Equal(
            "<p>hi <span class=\"h-card\" translate=\"no\"><a href=\"https://example.test/@bob\" class=\"u-url mention\">@<span>bob</span></a></span>"
            + " and <span class=\"h-card\" translate=\"no\"><a href=\"https://remote.example/@carol\" class=\"u-url mention\">@<span>carol</span></a></span>,"
            + " not @nobody@else.example or mail@bob.test</p>",
            html);
    }

    [Fact]
    public void Hashtags_link_to_the_tag_page_keep_their_case_and_allow_unicode_letters()
    {
        var html = TextFormatter.ToHtml("#Hello, #café and #日本語 but not #123 or a#b", "https://example.test", null);

        Assert.Equal(
            "<p><a href=\"https://example.test/tags/Hello\" class=\"mention hashtag\" rel=\"tag\">#<span>Hello</span></a>,"
            + " <a href=\"https://example.test/tags/caf%C3%A9\" class=\"mention hashtag\" rel=\"tag\">#<span>café</span></a>"
            + " and <a href=\"https://example.test/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E\" class=\"mention hashtag\" rel=\"tag\">#<span>日本語</span></a>"
            + " but not #123 or a#b</p>",
            html);
    }

    [Fact]
    public void Extract_finds_distinct_mentions_and_lower_cased_tags_but_nothing_inside_urls()
    {
        var entities = TextFormatter.Extract("@alice @Alice @bob@remote.example #Tag #tag https://example.com/#anchor?x=@nobody");

        Assert.Equal(["alice", "bob@remote.example"], entities.Mentions.Select(m => m.Key));
        Assert.Equal(["tag"], entities.Tags);
    }

    [Fact]
    public void Remote_mentions_count_only_their_username_part()
    {
        Assert.Equal("@bob hi".Length, TextFormatter.CountCharacters("@bob@a.very.long.remote.example hi"));
        Assert.Equal("@bob hi".Length, TextFormatter.CountCharacters("@bob hi"));
    }
}
