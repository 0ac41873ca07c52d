using System.Text;

namespace Serverless.Media;

/// <summary>
/// The BlurHash encoder (the algorithm published at blurha.sh): the image as a few cosine
/// components in linear light, quantised and written in base 83. A client paints the blurred
/// placeholder while the image loads. Mastodon uses 4 × 4 components for media.
/// </summary>
public static class BlurHash
{
    public const int MastodonComponents = 4;

    private const string Base83Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    private static readonly double[] SrgbToLinearTable = BuildSrgbToLinear();

    /// <summary>
    /// Encodes 8-bit RGBA pixels (alpha ignored: premultiplied pixels blur as if over black),
    /// <paramref name="bytesPerRow"/> apart, with <paramref name="componentsX"/> × <paramref name="componentsY"/> components (1–9 each).
    /// </summary>
    public static string Encode(ReadOnlySpan<byte> rgba, int width, int height, int bytesPerRow, int componentsX = MastodonComponents, int componentsY = MastodonComponents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsX, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsX, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsY, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsY, 9);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerRow, width * 4);
        if (rgba.Length < ((long)bytesPerRow * (height - 1)) + (width * 4))
        {
            throw new ArgumentException("The pixel buffer is smaller than width, height and stride say.", nameof(rgba));
        }

        // cos(π·i·x/width) and cos(π·j·y/height), computed once rather than per pixel.
        var cosX = new double[componentsX * width];
        for (var i = 0; i < componentsX; i++)
        {
            for (var x = 0; x < width; x++)
            {
                cosX[(i * width) + x] = Math.Cos(Math.PI * i * x / width);
            }
        }

        var cosY = new double[componentsY * height];
        for (var j = 0; j < componentsY; j++)
        {
            for (var y = 0; y < height; y++)
            {
                cosY[(j * height) + y] = Math.Cos(Math.PI * j * y / height);
            }
        }

        var factors = new double[componentsX * componentsY * 3];
        var rowSums = new double[componentsX * 3];
        for (var y = 0; y < height; y++)
        {
            // Sum each row against the horizontal bases first, then weigh by the vertical ones.
            Array.Clear(rowSums);
            var row = rgba.Slice(y * bytesPerRow, width * 4);
            for (var x = 0; x < width; x++)
            {
                var r = SrgbToLinearTable[row[x * 4]];
                var g = SrgbToLinearTable[row[(x * 4) + 1]];
                var b = SrgbToLinearTable[row[(x * 4) + 2]];
                for (var i = 0; i < componentsX; i++)
                {
                    var basis = cosX[(i * width) + x];
                    rowSums[i * 3] += basis * r;
                    rowSums[(i * 3) + 1] += basis * g;
                    rowSums[(i * 3) + 2] += basis * b;
                }
            }

            for (var j = 0; j < componentsY; j++)
            {
                var basis = cosY[(j * height) + y];
                for (var i = 0; i < componentsX; i++)
                {
                    var k = ((j * componentsX) + i) * 3;
                    factors[k] += basis * rowSums[i * 3];
                    factors[k + 1] += basis * rowSums[(i * 3) + 1];
                    factors[k + 2] += basis * rowSums[(i * 3) + 2];
                }
            }
        }

        var pixels = (double)width * height;
        for (var c = 0; c < componentsX * componentsY; c++)
        {
            // The DC component is the mean; the others carry a factor of two.
            var normalisation = (c == 0 ? 1.0 : 2.0) / pixels;
            factors[c * 3] *= normalisation;
            factors[(c * 3) + 1] *= normalisation;
            factors[(c * 3) + 2] *= normalisation;
        }

        return EncodeFactors(factors, componentsX, componentsY);
    }

    /// <summary>Writes the factors (RGB triples, DC first, in linear light) as a blurhash string.</summary>
    public static string EncodeFactors(ReadOnlySpan<double> factors, int componentsX, int componentsY)
    {
        var acCount = (componentsX * componentsY) - 1;
        var hash = new StringBuilder(4 + 2 + (2 * acCount));
        AppendBase83(hash, (componentsX - 1) + ((componentsY - 1) * 9), 1);

        double maximum;
        if (acCount > 0)
        {
            var actualMaximum = 0.0;
            for (var k = 3; k < factors.Length; k++)
            {
                actualMaximum = Math.Max(actualMaximum, Math.Abs(factors[k]));
            }

            var quantisedMaximum = (int)Math.Clamp(Math.Floor((actualMaximum * 166) - 0.5), 0, 82);
            maximum = (quantisedMaximum + 1) / 166.0;
            AppendBase83(hash, quantisedMaximum, 1);
        }
        else
        {
            maximum = 1;
            AppendBase83(hash, 0, 1);
        }

        var dc = (LinearToSrgb(factors[0]) << 16) + (LinearToSrgb(factors[1]) << 8) + LinearToSrgb(factors[2]);
        AppendBase83(hash, dc, 4);

        for (var c = 1; c <= acCount; c++)
        {
            var r = QuantiseAc(factors[c * 3], maximum);
            var g = QuantiseAc(factors[(c * 3) + 1], maximum);
            var b = QuantiseAc(factors[(c * 3) + 2], maximum);
            AppendBase83(hash, (r * 19 * 19) + (g * 19) + b, 2);
        }

        return hash.ToString();
    }

    /// <summary>sRGB (0–255) to linear light (0–1).</summary>
    public static double SrgbToLinear(int value) => SrgbToLinearTable[Math.Clamp(value, 0, 255)];

    /// <summary>Linear light (0–1) to sRGB (0–255), rounded.</summary>
    public static int LinearToSrgb(double value)
    {
        var v = Math.Clamp(value, 0, 1);
        var srgb = v <= 0.0031308 ? v * 12.92 : (1.055 * Math.Pow(v, 1 / 2.4)) - 0.055;
        return (int)Math.Floor((srgb * 255) + 0.5);
    }

    private static int QuantiseAc(double value, double maximum)
    {
        // A square root (keeping the sign) spends the 19 levels where the eye notices them.
        var scaled = value / maximum;
        var curved = Math.Sign(scaled) * Math.Sqrt(Math.Abs(scaled));
        return (int)Math.Clamp(Math.Floor((curved * 9) + 9.5), 0, 18);
    }

    private static void AppendBase83(StringBuilder hash, int value, int length)
    {
        Span<char> digits = stackalloc char[length];
        for (var i = length - 1; i >= 0; i--)
        {
            digits[i] = Base83Alphabet[value % 83];
            value /= 83;
        }

        hash.Append(digits);
    }

    private static double[] BuildSrgbToLinear()
    {
        var table = new double[256];
        for (var i = 0; i < 256; i++)
        {
            var v = i / 255.0;
            table[i] = v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }

        return table;
    }
}
