using Serverless.ActivityPub.Content;

namespace Serverless.Tests.ActivityPub.Content;

public sealed class RemoteHtmlTests
{
    private static readonly string[] AttributeOrder = [" href=", " class=", " rel=", " target=", " translate=", " lang="];

    private const string Rel = "rel=\"nofollow noopener noreferrer\" target=\"_blank\"";

    [Theory]
    [InlineData("<script>alert(1)</script><p>hi</p>", "<p>hi</p>")]
    [InlineData("<p>hi<img src=x onerror=alert(1)></p>", "<p>hi</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>", "click")]
    [InlineData("<a href=\"  JaVaScRiPt:alert(1)\">click</a>", "click")]
    [InlineData("<a href=\"java&#x09;script:alert(1)\">click</a>", "click")]
    [InlineData("<a href=\"&#x01;javascript:alert(1)\">click</a>", "click")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "x")]
    [InlineData("<a href=\"vbscript:msgbox(1)\"><b>bold</b> link</a>", "bold link")]
    [InlineData("<p onclick=\"alert(1)\" style=\"color:red\" id=\"x\">t</p>", "<p>t</p>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>text", "text")]
    [InlineData("<svg><script>alert(1)</script><text>drawn</text></svg>after", "after")]
    [InlineData("<style>p{color:red}</style><p>styled</p>", "<p>styled</p>")]
    [InlineData("<form action=\"https://evil.example\"><input value=\"x\"><button>go</button></form>", "go")]
    [InlineData("<!-- hidden --><p>shown</p>", "<p>shown</p>")]
    [InlineData("<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>", "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>")]
    [InlineData("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "")]
    [InlineData("<object data=\"x.swf\"><embed src=\"x.swf\"></object>ok", "ok")]
    [InlineData("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0\"><p>x</p>", "<p>x</p>")]
    public void Dangerous_markup_is_removed(string html, string expected) => Assert.Equal(expected, RemoteHtml.Sanitize(html));

    [Fact]
    public void Event_handlers_and_unknown_attributes_go_but_safe_links_stay()
    {
        Assert.Equal(
            $"<a href=\"https://ok.example/path?q=1&amp;r=2\" {Rel}>ok</a>",
            Normalize(RemoteHtml.Sanitize("<a href=\"https://ok.example/path?q=1&amp;r=2\" onmouseover=\"alert(1)\" style=\"x\" target=\"_self\" rel=\"opener\" data-x=\"1\">ok</a>")));
    }

    [Fact]
    public void Relative_links_and_links_without_href_become_text()
    {
        Assert.Equal("<p>see #tag and here</p>", RemoteHtml.Sanitize("<p>see <a href=\"/tags/tag\">#tag</a> and <a name=\"x\">here</a></p>"));
    }

    [Theory]
    [InlineData("gemini://gemini.example/page")]
    [InlineData("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a")]
    [InlineData("xmpp:alice@example.com")]
    [InlineData("ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")]
    [InlineData("HTTPS://Example.com/")]
    public void Other_link_schemes_mastodon_keeps_are_kept(string href)
    {
        var html = RemoteHtml.Sanitize($"<a href=\"{href}\">x</a>");
        Assert.StartsWith("<a href=\"", html, StringComparison.Ordinal);
        Assert.EndsWith($"\" {Rel}>x</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Mastodon_content_keeps_mentions_hashtags_and_link_display()
    {
        const string html =
            "<p>Hello <span class=\"h-card\" translate=\"no\"><a href=\"https://local.example/@bob\" class=\"u-url mention\">@<span>bob</span></a></span> " +
            "<a href=\"https://mastodon.social/tags/fediverse\" class=\"mention hashtag\" rel=\"tag\">#<span>fediverse</span></a></p>" +
            "<p><a href=\"https://example.com/a/very/long/path\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">" +
            "<span class=\"invisible\">https://</span><span class=\"ellipsis\">example.com/a/very/lo</span><span class=\"invisible\">ng/path</span></a></p>";
        Assert.Equal(
            "<p>Hello <span class=\"h-card\" translate=\"no\"><a href=\"https://local.example/@bob\" class=\"u-url mention\" " + Rel + ">@<span>bob</span></a></span> " +
            "<a href=\"https://mastodon.social/tags/fediverse\" class=\"mention hashtag\" " + Rel + ">#<span>fediverse</span></a></p>" +
            "<p><a href=\"https://example.com/a/very/long/path\" " + Rel + " translate=\"no\">" +
            "<span class=\"invisible\">https://</span><span class=\"ellipsis\">example.com/a/very/lo</span><span class=\"invisible\">ng/path</span></a></p>",
            Normalize(RemoteHtml.Sanitize(html)));
    }

    [Fact]
    public void Misskey_content_keeps_its_mentions_and_line_breaks()
    {
        const string html =
            "<p><span>Hi </span><a href=\"https://misskey.io/@alice\" class=\"u-url mention\">@alice@misskey.io</a>" +
            "<span> check<br>this </span><a href=\"https://misskey.io/tags/test\" rel=\"tag\">#test</a></p>";
        Assert.Equal(
            $"<p><span>Hi </span><a href=\"https://misskey.io/@alice\" class=\"u-url mention\" {Rel}>@alice@misskey.io</a>" +
            $"<span> check<br>this </span><a href=\"https://misskey.io/tags/test\" {Rel}>#test</a></p>",
            Normalize(RemoteHtml.Sanitize(html)));
    }

    [Fact]
    public void GoToSocial_and_Akkoma_content_keeps_classes_and_loses_extra_attributes()
    {
        const string gts =
            "<p>hey <span class=\"h-card\"><a href=\"https://gts.example/@bob\" class=\"u-url mention\" rel=\"nofollow noreferrer noopener\" target=\"_blank\">@<span>bob</span></a></span> " +
            "<a href=\"https://gts.example/tags/gts\" class=\"mention hashtag\" rel=\"tag nofollow noreferrer noopener\" target=\"_blank\">#<span>gts</span></a></p>";
        Assert.Equal(
            $"<p>hey <span class=\"h-card\"><a href=\"https://gts.example/@bob\" class=\"u-url mention\" {Rel}>@<span>bob</span></a></span> " +
            $"<a href=\"https://gts.example/tags/gts\" class=\"mention hashtag\" {Rel}>#<span>gts</span></a></p>",
            Normalize(RemoteHtml.Sanitize(gts)));

        const string akkoma = "<span class=\"h-card\"><a class=\"u-url mention\" data-user=\"AbC\" href=\"https://ak.example/users/bob\" rel=\"ugc\">@<span>bob</span></a></span> hi";
        Assert.Equal(
            $"<span class=\"h-card\"><a href=\"https://ak.example/users/bob\" class=\"u-url mention\" {Rel}>@<span>bob</span></a></span> hi",
            Normalize(RemoteHtml.Sanitize(akkoma)));
    }

    [Fact]
    public void Only_allowed_classes_survive_and_empty_class_attributes_go()
    {
        Assert.Equal(
            "<span class=\"invisible\">a</span><span>b</span><p class=\"quote-inline\">c</p><em>d</em>",
            RemoteHtml.Sanitize("<span class=\"invisible evil-overlay\">a</span><span class=\"fixed-fullscreen\">b</span><p class=\"quote-inline big\">c</p><em class=\"h-card\">d</em>"));
    }

    [Fact]
    public void Headings_become_bold_paragraphs()
    {
        Assert.Equal(
            "<p lang=\"en\"><strong>Title</strong></p><p>text</p><p><strong>Sub <em>title</em></strong></p>",
            RemoteHtml.Sanitize("<h1 lang=\"en\" class=\"big\">Title</h1><p>text</p><h3>Sub <em>title</em></h3>"));
    }

    [Fact]
    public void Lists_quotes_code_and_inline_formatting_are_kept()
    {
        const string html =
            "<ol start=\"3\" reversed><li value=\"5\">a</li><li>b</li></ol><ul><li>c</li></ul>" +
            "<blockquote><p>q</p></blockquote><pre><code>x &lt; y</code></pre>" +
            "<p><b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><s>s</s><del>d</del><code>c</code></p>" +
            "<p lang=\"ja\"><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby></p>";
        Assert.Equal(
            "<ol start=\"3\" reversed=\"\"><li value=\"5\">a</li><li>b</li></ol><ul><li>c</li></ul>" +
            "<blockquote><p>q</p></blockquote><pre><code>x &lt; y</code></pre>" +
            "<p><b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><s>s</s><del>d</del><code>c</code></p>" +
            "<p lang=\"ja\"><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby></p>",
            RemoteHtml.Sanitize(html));
    }

    [Fact]
    public void Attributes_only_stay_on_the_elements_that_may_have_them()
    {
        Assert.Equal(
            "<p>a</p><span>b</span><li>c</li><ul><li>d</li></ul>",
            RemoteHtml.Sanitize("<p href=\"https://x.example\" start=\"2\">a</p><span value=\"3\" rel=\"x\">b</span><li start=\"1\" class=\"mention\">c</li><ul reversed><li>d</li></ul>"));
        Assert.Equal("<span>x</span>", RemoteHtml.Sanitize("<span translate=\"yes\">x</span>"));
    }

    [Fact]
    public void Unknown_blocks_are_unwrapped_with_their_words_kept_apart()
    {
        Assert.Equal("one two", Collapse(RemoteHtml.Sanitize("<div>one</div><div>two</div>")));
        Assert.Equal("<p>cell</p> x", Collapse(RemoteHtml.Sanitize("<table><tr><td><p>cell</p></td></tr></table>x")));
        Assert.Equal("<p>in a <strong>tag</strong> we do not know</p>", RemoteHtml.Sanitize("<p>in a <custom-tag><strong>tag</strong></custom-tag> we do not <font color=red>know</font></p>"));
    }

    [Fact]
    public void Mathematics_shows_its_tex_or_text_annotation()
    {
        Assert.Equal(
            "<p>area $\\pi r^2$ and</p>$$E=mc^2$$",
            RemoteHtml.Sanitize(
                "<p>area <math><semantics><mrow><mi>π</mi></mrow><annotation encoding=\"application/x-tex\">\\pi r^2</annotation></semantics></math> and</p>" +
                "<math display=\"block\"><semantics><mi>E</mi><annotation encoding=\"application/x-tex\">E=mc^2</annotation></semantics></math>"));
        Assert.Equal("x squared", RemoteHtml.Sanitize("<math><semantics><msup><mi>x</mi><mn>2</mn></msup><annotation encoding=\"text/plain\">x squared</annotation></semantics></math>"));
        Assert.Equal("gone:", RemoteHtml.Sanitize("gone:<math><mi>x</mi></math>"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Nothing_sanitises_to_nothing(string? html)
    {
        Assert.Equal(string.Empty, RemoteHtml.Sanitize(html));
        Assert.Equal(string.Empty, RemoteHtml.PlainText(html));
    }

    [Fact]
    public void Plain_text_is_fit_for_unformatted_text()
    {
        Assert.Equal("a plain string", RemoteHtml.Sanitize("a plain string"));
        Assert.Equal("1 &lt; 2 &amp; 3 &gt; 2", RemoteHtml.Sanitize("1 < 2 & 3 > 2"));
    }

    [Fact]
    public void PlainText_strips_tags_decodes_entities_and_keeps_line_structure()
    {
        Assert.Equal(
            "Hello world & friends <3\n\nSecond\nline",
            RemoteHtml.PlainText("<p>Hello <b>world</b> &amp; friends &lt;3</p><p>Second<br>line</p>"));
        Assert.Equal("a\n\none\ntwo\n\nb", RemoteHtml.PlainText("<p>a</p><ul><li>one</li><li>two</li></ul><p>b</p>"));
        Assert.Equal("shown", RemoteHtml.PlainText("<script>alert(1)</script><style>p{}</style><p>shown</p>"));
    }

    [Fact]
    public void PlainText_keeps_the_whole_url_of_a_shortened_link_and_mentions()
    {
        Assert.Equal(
            "Hello @bob see https://example.com/a/very/long/path",
            RemoteHtml.PlainText(
                "<p>Hello <span class=\"h-card\"><a href=\"https://local.example/@bob\" class=\"u-url mention\">@<span>bob</span></a></span> see " +
                "<a href=\"https://example.com/a/very/long/path\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">example.com/a/very/lo</span><span class=\"invisible\">ng/path</span></a></p>"));
    }

    [Fact]
    public void Sanitising_on_many_threads_gives_the_same_results()
    {
        string[] inputs =
        [
            "<p>a <a href=\"https://x.example\" class=\"mention evil\">@x</a></p>",
            "<h2>t</h2><script>alert(1)</script>",
            "<div>one</div><img src=x onerror=alert(1)><a href=\"javascript:x\">two</a>",
            "<ol start=\"2\"><li>i</li></ol><math><semantics><annotation encoding=\"text/plain\">m</annotation></semantics></math>",
        ];
        var expected = inputs.Select(RemoteHtml.Sanitize).ToArray();
        var mismatches = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (RemoteHtml.Sanitize(inputs[i % inputs.Length]) != expected[i % inputs.Length])
            {
                Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    /// <summary>Attribute order is not meaningful: sort each tag's attributes so expectations read naturally.</summary>
    private static string Normalize(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "<([a-z]+)((?: [a-z-]+=\"[^\"]*\")+)>", m =>
        {
            var attributes = System.Text.RegularExpressions.Regex.Matches(m.Groups[2].Value, " [a-z-]+=\"[^\"]*\"").Select(a => a.Value).ToList();
            attributes.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
            return "<" + m.Groups[1].Value + string.Concat(attributes) + ">";

            int Rank(string attribute)
            {
                var index = Array.FindIndex(AttributeOrder, o => attribute.StartsWith(o, StringComparison.Ordinal));
                return index < 0 ? AttributeOrder.Length : index;
            }
        });

    private static string Collapse(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ").Trim();
}
