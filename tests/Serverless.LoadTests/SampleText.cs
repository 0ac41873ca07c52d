using System.Globalization;
using System.Text;

namespace Serverless.LoadTests;

/// <summary>
/// Status texts that look like a timeline: a few ordinary sentences, often a link, sometimes
/// hashtags, now and then a mention. Deterministic for a given seed, so runs are comparable.
/// </summary>
internal sealed class SampleText(int seed)
{
    private static readonly string[] Sentences =
    [
        "Finally got around to repotting the basil on the balcony.",
        "The train was twenty minutes late again, but the view along the river made up for it.",
        "Reading a long piece about how small teams keep software maintainable for decades.",
        "Made bread this morning and the kitchen still smells wonderful.",
        "Does anyone have a good recommendation for a lightweight text editor?",
        "Three hours of debugging and it was a missing comma. Classic.",
        "The new album is better than I expected; the second half especially.",
        "Walked to the market, bought far too many tomatoes, no regrets.",
        "Our local library now lends out tools as well as books, which is brilliant.",
        "Spent the evening sorting old photographs and found some real treasures.",
        "Is it just me or are the days getting shorter faster this year?",
        "Wrote a small script to rename all my files and it saved an afternoon.",
        "The cat has decided the keyboard is the warmest place in the house.",
        "Tried a new recipe with lentils and lemon; would make again.",
        "Conference talk slides are done. Now to practise saying them out loud.",
        "Rain all day, so naturally I reorganised the bookshelf by colour.",
        "Learning to play the piano at forty is humbling and a lot of fun.",
        "Shipped the release today; thanks to everyone who tested the betas.",
        "Some days the best productivity tool is a walk around the block.",
        "Found a lovely little cafe around the corner with excellent coffee.",
        "The garden birds have discovered the new feeder within a single hour.",
        "Reminder that backups you have not restored are only hopes.",
        "Cycled to work for the first time this spring and my legs have opinions.",
        "Watching the thunderstorm roll in over the hills from the kitchen window.",
    ];

    private static readonly string[] Hashtags =
    [
        "fediverse", "photography", "cats", "gardening", "coffee", "music", "books", "opensource",
        "dotnet", "cycling", "cooking", "travel", "running", "art", "science", "history",
        "linux", "rust", "birds", "weather", "mastodon", "programming", "hiking", "film",
    ];

    private static readonly string[] Sites =
    [
        "https://example.com/blog/{0}/notes-from-the-week",
        "https://news.example.org/articles/{0}-what-changed-and-why",
        "https://www.example.net/recipes/{0}/lentil-soup-with-lemon",
        "https://photos.example.com/albums/{0}?view=grid&sort=date",
        "https://docs.example.org/guides/getting-started#section-{0}",
        "https://video.example.com/watch?v=clip{0}",
    ];

    private readonly Random _random = new(seed);

    /// <summary>A status text; <paramref name="mention"/> (a username) is put in front when given.</summary>
    public string Next(int n, string? mention)
    {
        var text = new StringBuilder(320);
        if (mention is not null)
        {
            text.Append('@').Append(mention).Append(' ');
        }

        var sentences = 1 + _random.Next(3);
        for (var i = 0; i < sentences; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Sentences[_random.Next(Sentences.Length)]);
        }

        // About half link somewhere: links are shortened and linkified when the status is made.
        if (_random.Next(2) == 0)
        {
            text.Append(' ').Append(string.Format(CultureInfo.InvariantCulture, Sites[_random.Next(Sites.Length)], n));
        }

        // About a third carry one or two hashtags.
        if (_random.Next(3) == 0)
        {
            text.Append("\n\n#").Append(Hashtags[_random.Next(Hashtags.Length)]);
            if (_random.Next(2) == 0)
            {
                text.Append(" #").Append(Hashtags[_random.Next(Hashtags.Length)]);
            }
        }

        return text.ToString();
    }

    public int Next(int maxExclusive) => _random.Next(maxExclusive);
}
