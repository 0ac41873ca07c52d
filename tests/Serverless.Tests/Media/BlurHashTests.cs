using Serverless.Media;

namespace Serverless.Tests.Media;

public sealed class BlurHashTests
{
    private static byte[] Uniform(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < pixels.Length; i += 4)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (r, g, b, 255);
        }

        return pixels;
    }

    /// <summary>A synthetic image: horizontal red ramp, vertical green ramp, blue checker.</summary>
    private static byte[] Synthetic(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 4;
                pixels[i] = (byte)(255 * x / (width - 1));
                pixels[i + 1] = (byte)(255 * y / (height - 1));
                pixels[i + 2] = (byte)(((x / 8) + (y / 8)) % 2 == 0 ? 200 : 30);
                pixels[i + 3] = 255;
            }
        }

        return pixels;
    }

    [Fact]
    public void A_uniform_colour_has_that_colour_as_its_DC_component()
    {
        // Mastodon's 4×4: size flag 'U' (3 + 3·9 = 30), then the maximum AC, then the DC = the colour itself.
        var hash = BlurHash.Encode(Uniform(32, 24, 0x12, 0x80, 0xEF), 32, 24, 32 * 4);
        Assert.Equal(36, hash.Length);
        Assert.Equal('U', hash[0]);
        Assert.Equal(Base83(0x1280EF, 4), hash[2..6]);

        // The bases are cos(π·i·x/w) without a half-pixel offset, so odd components of a flat
        // image are small but not zero (as with the reference encoder): the sum over x is 1.
        Assert.Equal(hash, BlurHash.Encode(Uniform(32, 24, 0x12, 0x80, 0xEF), 32, 24, 32 * 4));
    }

    [Fact]
    public void Black_has_a_zero_maximum_and_neutral_AC_components()
    {
        // Every factor is zero: maximum '0', DC "0000", every AC the neutral value 9·19² + 9·19 + 9 = "fQ".
        Assert.Equal("L00000" + string.Concat(Enumerable.Repeat("fQ", 11)), BlurHash.Encode(Uniform(8, 8, 0, 0, 0), 8, 8, 8 * 4, 4, 3));
        Assert.Equal("U00000" + string.Concat(Enumerable.Repeat("fQ", 15)), BlurHash.Encode(Uniform(8, 8, 0, 0, 0), 8, 8, 8 * 4));
    }

    [Fact]
    public void The_maximum_AC_follows_the_published_quantisation()
    {
        // White, 16×16, 1×2 components: the one AC factor is 2·1·(16·1)/(16·16) = 0.125 per channel,
        // quantised as floor(0.125·166 − 0.5) = 20 ('K'); the AC value then is floor(9·sqrt(0.125/(21/166)) + 9.5) = 18.
        var hash = BlurHash.Encode(Uniform(16, 16, 255, 255, 255), 16, 16, 16 * 4, 1, 2);
        Assert.Equal("9K" + Base83(0xFFFFFF, 4) + Base83((18 * 361) + (18 * 19) + 18, 2), hash);
    }

    [Fact]
    public void The_length_follows_the_component_count()
    {
        var pixels = Synthetic(40, 30);
        for (var x = 1; x <= 9; x++)
        {
            for (var y = 1; y <= 9; y += 4)
            {
                Assert.Equal(6 + (2 * ((x * y) - 1)), BlurHash.Encode(pixels, 40, 30, 40 * 4, x, y).Length);
            }
        }
    }

    [Fact]
    public void The_same_pixels_give_the_same_hash_and_different_pixels_a_different_one()
    {
        var first = BlurHash.Encode(Synthetic(64, 48), 64, 48, 64 * 4);
        Assert.Equal(first, BlurHash.Encode(Synthetic(64, 48), 64, 48, 64 * 4));
        Assert.NotEqual(first, BlurHash.Encode(Uniform(64, 48, 10, 20, 30), 64, 48, 64 * 4));
        // Every character is from the base-83 alphabet.
        Assert.All(first, c => Assert.Contains(c, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"));
        // A horizontal ramp shows up in the first horizontal AC component, not as a flat 'fQ'.
        Assert.NotEqual("fQ", first[6..8]);
    }

    [Fact]
    public void The_stride_is_honoured()
    {
        var tight = Synthetic(20, 10);
        var padded = new byte[(20 * 4 + 16) * 10];
        for (var y = 0; y < 10; y++)
        {
            Array.Copy(tight, y * 80, padded, y * 96, 80);
        }

        Assert.Equal(BlurHash.Encode(tight, 20, 10, 80), BlurHash.Encode(padded, 20, 10, 96));
    }

    [Fact]
    public void sRGB_and_linear_conversions_round_trip_every_byte()
    {
        for (var v = 0; v < 256; v++)
        {
            Assert.Equal(v, BlurHash.LinearToSrgb(BlurHash.SrgbToLinear(v)));
        }
    }

    private static string Base83(int value, int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
        var chars = new char[length];
        for (var i = length - 1; i >= 0; i--)
        {
            chars[i] = alphabet[value % 83];
            value /= 83;
        }

        return new string(chars);
    }
}
