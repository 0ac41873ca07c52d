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
}
